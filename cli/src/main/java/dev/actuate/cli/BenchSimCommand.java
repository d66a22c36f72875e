package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.EnvSpec;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.VectorEnv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code actuate bench sim}: environment steps per second with random actions, as Gymnasium is
 * usually measured (time limit on, resets included, action sampling included).
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Benchmark simulator step rates: single-thread per env, then VectorEnv on all cores.")
public final class BenchSimCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object as the last line.")
    boolean json;

    @Option(names = "--seconds", paramLabel = "X", defaultValue = "2",
            description = "Measured seconds per figure, after a warm-up of half as long (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--env", paramLabel = "ID", split = ",", description = "Only these envs (default: all registered).")
    List<String> envIds;

    @Option(names = "--threads", paramLabel = "T", description = "VectorEnv threads (default: all cores).")
    Integer threads;

    @Option(names = "--num-envs", paramLabel = "N", description = "VectorEnv copies (default: 4 per thread).")
    Integer numEnvs;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads != null ? threads : cores;
        int n = numEnvs != null ? numEnvs : 4 * t;
        List<String> ids = new ArrayList<>();
        if (envIds == null) {
            Envs.specs().forEach(s -> ids.add(s.id()));
        } else {
            for (String id : envIds) {
                ids.add(Envs.spec(id).id());
            }
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode single = root.putArray("envs");
        ArrayNode vector = root.putArray("vector");
        boolean failed = false;
        for (String id : ids) {
            try {
                double sps = singleThread(id);
                single.addObject().put("env", id).put("steps_per_sec", Math.round(sps));
                System.out.printf(Locale.ROOT, "%-28s single thread %,12.0f steps/s%n", id, sps);
            } catch (RuntimeException e) {
                failed = true;
                single.addObject().put("env", id).put("error", String.valueOf(e));
                System.out.printf(Locale.ROOT, "%-28s failed: %s%n", id, e);
            }
        }
        for (String id : ids) {
            try {
                double one = vectorRate(id, n, 1);
                double many = vectorRate(id, n, t);
                vector.addObject().put("env", id).put("num_envs", n).put("threads", t)
                        .put("steps_per_sec", Math.round(many)).put("one_thread_steps_per_sec", Math.round(one))
                        .put("scaling", many / one);
                System.out.printf(Locale.ROOT, "%-28s VectorEnv n=%d: %,12.0f steps/s on %d threads, %,12.0f on 1 (x%.2f)%n",
                        id, n, many, t, one, many / one);
            } catch (RuntimeException e) {
                failed = true;
                vector.addObject().put("env", id).put("error", String.valueOf(e));
                System.out.printf(Locale.ROOT, "%-28s VectorEnv failed: %s%n", id, e);
            }
        }
        root.put("cores", cores).put("seconds", seconds).put("java", System.getProperty("java.version"));
        if (json) {
            System.out.println(mapper.writeValueAsString(root));
        }
        System.out.flush();
        return failed ? 1 : 0;
    }

    private double singleThread(String id) {
        try (Env env = Envs.make(id)) {
            Box space = env.actionSpace();
            Rng rng = new Rng(1);
            env.reset(0);
            run(env, space, rng, seconds / 2);
            return run(env, space, rng, seconds);
        }
    }

    /** Steps for about {@code secs} seconds and returns the rate; checks the clock every 64 steps. */
    private static double run(Env env, Box space, Rng rng, double secs) {
        long start = System.nanoTime();
        long deadline = start + (long) (secs * 1e9);
        long steps = 0;
        long now;
        do {
            for (int i = 0; i < 64; i++) {
                StepResult r = env.step(space.sample(rng));
                if (r.done()) {
                    env.reset();
                }
            }
            steps += 64;
            now = System.nanoTime();
        } while (now < deadline);
        return steps / ((now - start) * 1e-9);
    }

    private double vectorRate(String id, int n, int threads) {
        try (VectorEnv vec = new VectorEnv(() -> Envs.make(id), n, threads)) {
            Box space = vec.actionSpace();
            Rng rng = new Rng(2);
            vec.reset(0);
            double[][] actions = new double[n][];
            double rate = 0;
            for (double secs : new double[] {seconds / 2, seconds}) {
                long start = System.nanoTime();
                long deadline = start + (long) (secs * 1e9);
                long steps = 0;
                long now;
                do {
                    for (int i = 0; i < n; i++) {
                        actions[i] = space.sample(rng);
                    }
                    vec.step(actions);
                    steps += n;
                    now = System.nanoTime();
                } while (now < deadline);
                rate = steps / ((now - start) * 1e-9);
            }
            return rate;
        }
    }
}
