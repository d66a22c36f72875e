package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** Prints the ND4J backend, data type, BLAS vendor and threads, and the CPU/GPU devices. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the ND4J backend, data type, BLAS vendor/threads and devices.")
public final class InfoCommand implements Callable<Integer> {
    /** Exit code when the GPU cannot run this ND4J build's CUDA kernels. */
    static final int EXIT_UNSUPPORTED_GPU = 3;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        // Before ND4J initialises: the CUDA backend crashes natively on GPUs it has no kernels for.
        if (Backends.cudaBackendOnClasspath()) {
            Optional<String> msg = Backends.unsupportedGpuMessage(Backends.queryGpus());
            if (msg.isPresent()) {
                if (json) {
                    ObjectNode o = new ObjectMapper().createObjectNode();
                    o.put("backend", Backends.CUDA_BACKEND_CLASS);
                    o.put("error", msg.get());
                    System.out.println(o);
                } else {
                    System.err.println("actuate info: " + msg.get());
                }
                return EXIT_UNSUPPORTED_GPU;
            }
        }
        Backends.Info info = Backends.describe();
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode o = om.createObjectNode();
            o.put("backend", info.backend());
            o.put("data_type", info.dataType());
            o.put("blas_vendor", info.blasVendor());
            o.put("blas_threads", info.blasThreads());
            o.put("omp_num_threads", info.ompNumThreads());
            o.put("devices", info.devices());
            o.put("cpu", info.cpu());
            ArrayNode g = o.putArray("gpus");
            for (Backends.Gpu gpu : info.gpus()) {
                g.addObject().put("name", gpu.name()).put("compute_capability", gpu.computeCapability());
            }
            ObjectNode env = o.putObject("environment");
            new TreeMap<>(info.environment()).forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
            System.out.println(o);
        } else {
            System.out.println("backend:         " + info.backend());
            System.out.println("data type:       " + info.dataType());
            System.out.println("BLAS vendor:     " + info.blasVendor());
            System.out.println("BLAS threads:    " + info.blasThreads());
            System.out.println("OMP_NUM_THREADS: " + info.ompNumThreads());
            System.out.println("ND4J devices:    " + info.devices());
            System.out.println("CPU:             " + info.cpu());
            if (info.gpus().isEmpty()) {
                System.out.println("GPUs:            none found (nvidia-smi)");
            }
            for (Backends.Gpu gpu : info.gpus()) {
                System.out.println("GPU:             " + gpu.name() + ", compute capability " + gpu.computeCapability());
            }
            new TreeMap<>(info.environment()).forEach((k, v) -> System.out.println("  " + k + ": " + v));
        }
        return 0;
    }
}
