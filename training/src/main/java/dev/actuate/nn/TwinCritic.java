package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Two independently initialised Q networks {@code Q(s, a)} (input {@code [obs | action]}, output 1) sharing one
 * flat parameter vector {@code [q1 | q2]}, so one {@link AdamOptimizer} group, one Polyak op and one copy
 * serve both (SAC, TD3).
 *
 * <p><b>Why back-to-back rather than one block-diagonal network.</b> Small nets are bound by op count
 * (about 15 us per ND4J op), so fusing the twins into one wider network would halve the ops. But the hidden
 * layer of the fused net is {@code 2h x 2h}: twice the multiply-adds of two {@code h x h} layers, and the
 * off-diagonal blocks need masking after every update. At the 256x256 / batch-256 size SAC uses, FLOPs
 * dominate (the 4 ms step is gemm-bound), so the fused net would be slower; at 64x64 the fused net would
 * save roughly the dispatch of ~10 ops per step. Back-to-back keeps the two nets exact and simple; the
 * flat shared vector already removes the per-network optimiser and Polyak ops. This trade-off is reasoned
 * from the op-count and FLOP figures in the fast-path notes, not yet measured for the fused variant;
 * {@code EngineBench} measures the back-to-back twin step at both sizes. Measured since (SAC bench, CPU):
 * after the {@link CpuKernels} fast path, gemms are about two thirds of a step and ReLU/bias/Adam loops
 * most of the rest, so fusing would save little at 256x256. With two learner threads ({@link Lanes}) the
 * twins run side by side instead, one per thread, which a fused network would prevent. Fusing only the
 * first layers (one {@code [obs | action] x [in, 2h]} gemm) was not done: at [400, 300] with the lander's
 * 10 inputs that layer is 3% of a critic's multiply-adds.
 */
public final class TwinCritic implements Parameterized {
    private final Mlp q1;
    private final Mlp q2;
    private final INDArray params;
    private final INDArray grads;

    /** @param q configuration of each Q network; its output size must be 1 */
    public TwinCritic(Mlp.Builder q, Rng rng) {
        if (q.outputSize() != 1) {
            throw new IllegalArgumentException("a Q network has output size 1, got " + q.outputSize());
        }
        int p = q.numParams();
        params = Nd4j.zeros(q.dataType(), 1, 2L * p);
        grads = Nd4j.zeros(q.dataType(), 1, 2L * p);
        q1 = q.build(rng, slice(params, 0, p), slice(grads, 0, p));
        q2 = q.build(rng, slice(params, p, 2L * p), slice(grads, p, 2L * p));
    }

    private static INDArray slice(INDArray flat, long from, long to) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to)).reshape(1, to - from);
    }

    public Mlp q1() {
        return q1;
    }

    public Mlp q2() {
        return q2;
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray gradients() {
        return grads;
    }

    /** Forward of both networks; read the results with {@code q1().forward(..)}'s return or this pair. */
    public INDArray[] forward(INDArray obsAction) {
        return new INDArray[] {q1.forward(obsAction), q2.forward(obsAction)};
    }

    /** Overwrites both networks' gradients from their last forward. */
    public void backward(INDArray dQ1, INDArray dQ2) {
        q1.backward(dQ1);
        q2.backward(dQ2);
    }

    /**
     * {@code dL/d[obs | action]} for {@code L = sum dQ1 * Q1 + sum dQ2 * Q2} of the last forward, leaving
     * the parameter gradients untouched (the actor's path through the critics). For SAC's
     * {@code min(Q1, Q2)} pass a 0/1 mask per row; for TD3's actor pass zeros for dQ2 or use
     * {@code q1().backwardInput}. Returns q1's input-gradient buffer, overwritten by q1's next backward.
     */
    public INDArray backwardInput(INDArray dQ1, INDArray dQ2) {
        INDArray d1 = q1.backwardInput(dQ1);
        INDArray d2 = q2.backwardInput(dQ2);
        return d1.addi(d2);
    }

    public void copyParamsFrom(TwinCritic source) {
        params.assign(source.params);
    }

    /** In place: {@code this = (1 - tau) * this + tau * source}. */
    public void polyakUpdate(TwinCritic source, double tau) {
        NdArrays.polyak(params, source.params, tau);
    }
}
