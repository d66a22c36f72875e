package dev.actuate.nn.bench;

import dev.actuate.nn.Backends;
import dev.actuate.nn.CpuKernels;
import dev.actuate.nn.Lanes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Single-thread SGEMM throughput through the path training uses ({@link CpuKernels#gemm}, one OpenBLAS thread),
 * alone and on two threads at once (each its own operands, as the twin-critic lanes run): the ceiling against
 * which off-policy training's achieved GFLOP/s is judged. For each shape it reports the best and the median
 * GFLOP/s over repeated calls; on a shared machine the best is the closer estimate of the uncontended rate.
 * Prints one JSON object as the last line.
 *
 * <p>{@code OMP_NUM_THREADS=1 java -Xmx1g -cp "controller/target/actuate-controller-*.jar:controller/target/lib/*"
 * dev.actuate.nn.bench.GemmBench [seconds-per-case]}
 */
public final class GemmBench {
    private GemmBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        Backends.configureThreads();
        // [m, k, n]: a square reference and the [400, 300] critic's hidden layer forward (batch 256) and its
        // weight gradient (k = batch).
        int[][] shapes = {{512, 512, 512}, {256, 400, 300}, {400, 256, 300}, {256, 256, 256}};
        StringBuilder json = new StringBuilder("{\"cases\": [");
        try (Lanes two = new Lanes(2)) {
            for (int s = 0; s < shapes.length; s++) {
                int[] sh = shapes[s];
                double[] one = rate(sh, seconds, null);
                double[] both = rate(sh, seconds, two);
                String line = String.format(Locale.ROOT,
                        "{\"m\": %d, \"k\": %d, \"n\": %d, \"one_thread_best_gflops\": %.1f, \"one_thread_median_gflops\": %.1f,"
                                + " \"two_threads_best_gflops\": %.1f, \"two_threads_median_gflops\": %.1f}",
                        sh[0], sh[1], sh[2], one[0], one[1], both[0], both[1]);
                System.err.println(line);
                json.append(s == 0 ? "" : ", ").append(line);
            }
        }
        json.append("], \"cpu_kernels\": ").append(CpuKernels.ENABLED).append(", \"omp_num_threads\": \"")
                .append(System.getenv("OMP_NUM_THREADS")).append("\"}");
        System.out.println(json);
    }

    /** [best, median] GFLOP/s of batches of calls; with {@code lanes}, both lanes multiply at once (summed). */
    private static double[] rate(int[] sh, double seconds, Lanes lanes) {
        int m = sh[0];
        int k = sh[1];
        int n = sh[2];
        INDArray[][] ops = new INDArray[2][];
        for (int i = 0; i < 2; i++) {
            ops[i] = new INDArray[] {Nd4j.rand(DataType.FLOAT, m, k), Nd4j.rand(DataType.FLOAT, k, n),
                    Nd4j.zeros(DataType.FLOAT, m, n)};
        }
        double flops = 2.0 * m * k * n;
        int reps = Math.max(1, (int) (2e8 / flops)); // ~0.1 s per sample at 2 GFLOP/s, a few ms near peak
        int lanesUsed = lanes == null ? 1 : 2;
        java.util.List<Double> samples = new java.util.ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int warm = 3;
        while (System.nanoTime() < end || samples.size() < 5) {
            long t0 = System.nanoTime();
            if (lanes == null) {
                multiply(ops[0], reps);
            } else {
                lanes.run(2, i -> multiply(ops[i], reps));
            }
            double dt = (System.nanoTime() - t0) / 1e9;
            if (warm-- > 0) {
                continue;
            }
            samples.add(lanesUsed * reps * flops / dt / 1e9);
        }
        java.util.Collections.sort(samples);
        return new double[] {samples.get(samples.size() - 1), samples.get(samples.size() / 2)};
    }

    private static void multiply(INDArray[] ops, int reps) {
        for (int r = 0; r < reps; r++) {
            CpuKernels.gemm(ops[0], ops[1], ops[2], false, false, 1.0, 0.0);
        }
    }
}
