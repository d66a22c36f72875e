package dev.actuate.nn;

import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Which ND4J backend is on the classpath, whether the GPU can run it, and the thread settings.
 *
 * <p>ND4J 1.0.0-M2.1's CUDA binaries carry kernels for sm_37 to sm_86 and no PTX, so Hopper (sm_90) and
 * newer GPUs fail inside native code. {@link #checkGpuSupported()} detects that with {@code nvidia-smi}
 * <em>before</em> ND4J initialises, so callers can print a clear message instead of crashing.
 */
public final class Backends {
    /** The class of ND4J's CUDA backend; present only in a {@code -Pcuda} build. */
    public static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

    private Backends() {
    }

    /** A GPU as reported by nvidia-smi. */
    public record Gpu(String name, int major, int minor) {
        public String computeCapability() {
            return major + "." + minor;
        }

        /** ND4J M2.1 ships sm_37..sm_86 cubins; sm_8x cubins also run on later 8.x (Ada, sm_89). */
        public boolean supportedByNd4jM21() {
            return (major > 3 || (major == 3 && minor >= 7)) && major <= 8;
        }
    }

    /** True when the CUDA backend (not the CPU one) is on the classpath. Does not initialise ND4J. */
    public static boolean cudaBackendOnClasspath() {
        try {
            Class.forName(CUDA_BACKEND_CLASS, false, Backends.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** GPUs from {@code nvidia-smi}; empty when it is missing or fails. */
    public static List<Gpu> queryGpus() {
        ProcessBuilder pb = new ProcessBuilder("nvidia-smi", "--query-gpu=compute_cap,name", "--format=csv,noheader");
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.append(line).append('\n');
                }
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            return p.exitValue() == 0 ? parseGpus(out.toString()) : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Parses nvidia-smi's {@code compute_cap,name} CSV lines such as {@code "9.0, NVIDIA H100 80GB HBM3"}. */
    public static List<Gpu> parseGpus(String csv) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : csv.split("\n")) {
            String t = line.trim();
            if (t.isEmpty()) {
                continue;
            }
            int comma = t.indexOf(',');
            if (comma < 0) {
                continue;
            }
            String cap = t.substring(0, comma).trim();
            String name = t.substring(comma + 1).trim();
            int dot = cap.indexOf('.');
            try {
                int major = Integer.parseInt(dot < 0 ? cap : cap.substring(0, dot));
                int minor = dot < 0 ? 0 : Integer.parseInt(cap.substring(dot + 1));
                gpus.add(new Gpu(name, major, minor));
            } catch (NumberFormatException e) {
                // Not a GPU line (e.g. an nvidia-smi error message); skip it.
            }
        }
        return gpus;
    }

    /** The message for GPUs this ND4J build cannot run, if any. */
    public static Optional<String> unsupportedGpuMessage(List<Gpu> gpus) {
        if (gpus.isEmpty()) {
            // Without a GPU the CUDA backend fails deep inside ND4J's backend loader with a misleading
            // "no backend on your classpath"; say what is actually missing.
            return Optional.of("no NVIDIA GPU found (nvidia-smi is missing or lists none), but this build uses ND4J's"
                    + " CUDA backend (-Pcuda), which needs a GPU of compute capability sm_37..sm_89 and its driver."
                    + " Build without -Pcuda to use the CPU backend.");
        }
        List<String> bad = new ArrayList<>();
        for (Gpu g : gpus) {
            if (!g.supportedByNd4jM21()) {
                bad.add(g.name() + " (sm_" + g.major() + g.minor() + ")");
            }
        }
        if (bad.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("unsupported GPU: " + String.join(", ", bad) + ". ND4J 1.0.0-M2.1's CUDA binaries "
                + "support compute capability sm_37..sm_86 only (Kepler to Ampere/Ada) and carry no PTX, so Hopper "
                + "(sm_90) and newer cannot run them. Build without -Pcuda to train on the CPU backend.");
    }

    /**
     * Call before the first ND4J use: with the CUDA backend on the classpath, throws
     * {@link IllegalStateException} with a clear message if a GPU is unsupported. No-op on the CPU backend.
     */
    public static void checkGpuSupported() {
        if (!cudaBackendOnClasspath()) {
            return;
        }
        Optional<String> msg = unsupportedGpuMessage(queryGpus());
        if (msg.isPresent()) {
            throw new IllegalStateException(msg.get());
        }
    }

    /**
     * Limits ND4J's OpenMP and BLAS threads when {@code OMP_NUM_THREADS} is not set (small nets on a busy
     * machine: extra busy-waiting OpenMP threads made steps erratic). Initialises ND4J.
     */
    public static void configureThreads() {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env == null || env.isBlank()) {
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }

    /** What {@code actuate info} prints. */
    public record Info(String backend, String dataType, String blasVendor, int blasThreads, String ompNumThreads,
                       int devices, String cpu, List<Gpu> gpus, Properties environment) {
    }

    /** Initialises ND4J (call {@link #checkGpuSupported()} first) and describes it. */
    public static Info describe() {
        List<Gpu> gpus = queryGpus();
        String blasVendor = String.valueOf(Nd4j.factory().blas().getBlasVendor());
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String cpu = System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        return new Info(Nd4j.getBackend().getClass().getName(), String.valueOf(Nd4j.dataType()), blasVendor,
                blasThreads, String.valueOf(System.getenv("OMP_NUM_THREADS")),
                Nd4j.getAffinityManager().getNumberOfDevices(), cpu, gpus, env);
    }
}
