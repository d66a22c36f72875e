package dev.actuate.nn.bench;

import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.Backends;
import dev.actuate.nn.FloatMlps;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.TwinCritic;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.sim.Rng;
import org.HdrHistogram.Histogram;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Engine micro benchmark: median and p99 of one training step (forward, backward, clip, Adam) for an
 * 8-64-64-2 tanh MLP at batch 64 and an 8-256-256-2 MLP at batch 256, a twin-critic step at the same sizes,
 * and batch-1 {@link FloatMlp} inference. Prints one JSON object as the last line.
 *
 * <p>Run on a quiet machine: {@code OMP_NUM_THREADS=1 java -Xmx1g -XX:+UseParallelGC -cp
 * controller/target/actuate-controller-*.jar dev.actuate.nn.bench.EngineBench [seconds-per-case]}.
 */
public final class EngineBench {
    private EngineBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
        Backends.checkGpuSupported();
        Backends.configureThreads();
        StringBuilder json = new StringBuilder("{");
        json.append(mlpStep("mlp_8_64_64_2_b64", 64, 64, seconds)).append(", ");
        json.append(mlpStep("mlp_8_256_256_2_b256", 256, 256, seconds)).append(", ");
        json.append(twinStep("twin_q_10_64_64_1_b64", 64, 64, seconds)).append(", ");
        json.append(twinStep("twin_q_10_256_256_1_b256", 256, 256, seconds)).append(", ");
        json.append(inference(seconds));
        json.append(", \"backend\": \"").append(Nd4j.getBackend().getClass().getSimpleName())
                .append("\", \"omp_num_threads\": \"").append(System.getenv("OMP_NUM_THREADS")).append("\"}");
        System.out.println(json);
    }

    private static String mlpStep(String name, int hidden, int batch, double seconds) {
        Mlp net = Mlp.builder(8, 2).hidden(hidden, hidden).activation(Activation.TANH).build(new Rng(1));
        AdamOptimizer opt = new AdamOptimizer(3e-4, net);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 8);
        INDArray dOut = Nd4j.rand(DataType.FLOAT, batch, 2).subi(0.5).muli(1.0 / batch);
        return report(name, seconds, () -> {
            net.forward(x);
            net.backward(dOut);
            opt.clipGradNorm(0.5);
            opt.step();
        });
    }

    private static String twinStep(String name, int hidden, int batch, double seconds) {
        TwinCritic q = new TwinCritic(Mlp.builder(10, 1).hidden(hidden, hidden).activation(Activation.RELU), new Rng(1));
        TwinCritic target = new TwinCritic(Mlp.builder(10, 1).hidden(hidden, hidden).activation(Activation.RELU), new Rng(2));
        AdamOptimizer opt = new AdamOptimizer(3e-4, q);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 10);
        INDArray d = Nd4j.rand(DataType.FLOAT, batch, 1).muli(1.0 / batch);
        return report(name, seconds, () -> {
            target.forward(x);
            q.forward(x);
            q.backward(d, d);
            opt.step();
            target.polyakUpdate(q, 0.005);
        });
    }

    private static String inference(double seconds) {
        Mlp net = Mlp.builder(8, 2).hidden(64, 64).build(new Rng(1));
        FloatMlp f = FloatMlps.of(net);
        float[] obs = new float[8];
        float[] out = new float[2];
        return report("float_mlp_8_64_64_2_act", seconds, () -> {
            obs[0] += 1e-3f;
            f.act(obs, out);
        });
    }

    private static String report(String name, double seconds, Runnable step) {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.3e9);
        while (System.nanoTime() < warmEnd) {
            step.run();
        }
        Histogram h = new Histogram(3);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            step.run();
            h.recordValue(Math.max(1, System.nanoTime() - t0));
        }
        String s = String.format(java.util.Locale.ROOT, "\"%s\": {\"median_us\": %.2f, \"p99_us\": %.2f, \"n\": %d}",
                name, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getTotalCount());
        System.err.println(s);
        return s;
    }
}
