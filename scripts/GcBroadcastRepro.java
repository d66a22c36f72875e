import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Reproduces the ND4J crash that `Mlp` avoids (docs/benchmarks.md, "Native memory under garbage-collection
 * pressure"): `z.addiRowVector(b)` builds a temporary op per call, and the garbage collector can free its native
 * buffer mid-call (SIGSEGV in sd::DataBuffer::primary()). A broadcast op built once does not crash.
 *
 * Usage (after a build): java -Xmx1g [-Xmn1m] -XX:+UseParallelGC -cp "cli/target/lib/*" \
 *     scripts/GcBroadcastRepro.java CALLS addi|prebuilt [gc-thread]
 * Prints the call count and elapsed seconds every million calls, then "done"; a crash ends the JVM instead.
 */
public class GcBroadcastRepro {
    public static void main(String[] args) {
        long calls = Long.parseLong(args[0]);
        boolean prebuilt = args[1].equals("prebuilt");
        INDArray z = Nd4j.zeros(DataType.FLOAT, 256, 4);
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 1, 100);
        // The bias as the network has it: a row view into a flat parameter vector.
        INDArray b = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(10, 14)).reshape('c', 1, 4);
        BroadcastAddOp op = new BroadcastAddOp(z, b, z, 1);
        if (args.length > 2 && args[2].equals("gc-thread")) {
            Thread gc = new Thread(() -> {
                while (true) {
                    System.gc();
                }
            });
            gc.setDaemon(true);
            gc.start();
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < calls; i++) {
            if (prebuilt) {
                Nd4j.getExecutioner().exec(op);
            } else {
                z.addiRowVector(b);
            }
            if (i % 1_000_000 == 0) {
                System.out.println(i + " calls, " + (System.nanoTime() - t0) / 1e9 + " s");
            }
        }
        System.out.println("done: " + calls + " calls, " + (System.nanoTime() - t0) / 1e9 + " s");
    }
}
