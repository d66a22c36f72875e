package dev.actuate.algo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Profiling harness (not a test): where a SAC, TD3 or DDPG step's time goes, in {@code actuate bench train}'s
 * shape (batch 256, one gradient step per env step). Prints, per phase ({@link StepProfile.Phase}), the
 * learner thread's CPU and wall ms per env step, and the second lane's CPU ms per step. On a shared machine
 * the CPU columns are the ones to compare; run the variants to compare alternately.
 *
 * <pre>OMP_NUM_THREADS=1 java -Xmx1g -XX:+UseParallelGC -cp "cli/target/lib/*" dev.actuate.algo.OffPolicyProfile \
 *     sac configs/sac/LunarLanderContinuous-v3.yaml LunarLanderContinuous-v3 400,300 20 2</pre>
 * Arguments: algorithm, config file, env id, hidden widths, seconds measured, learner threads.
 */
public final class OffPolicyProfile {
    private OffPolicyProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: OffPolicyProfile sac|td3|ddpg CONFIG ENV H1,H2 SECONDS THREADS");
            System.exit(2);
        }
        String algo = args[0];
        Path config = Path.of(args[1]);
        String env = args[2];
        List<Integer> hidden = new ArrayList<>();
        for (String h : args[3].split(",")) {
            hidden.add(Integer.parseInt(h.trim()));
        }
        double seconds = Double.parseDouble(args[4]);
        int threads = Integer.parseInt(args[5]);
        long warm = OffPolicyTrainer.BENCH_BATCH + OffPolicyTrainer.BENCH_WARMUP_UPDATES;
        StepProfile profile = new StepProfile();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] lane = new long[2]; // second lane's CPU ns at start, at end
        long[] startWall = new long[1];
        long[] steps = new long[1];
        java.util.function.LongPredicate keepGoing = step -> {
            if (step == warm) {
                profile.reset();
                lane[0] = laneCpu(mx);
                startWall[0] = System.nanoTime();
                return true;
            }
            if (step < warm) {
                return true;
            }
            steps[0] = step - warm;
            if ((System.nanoTime() - startWall[0]) / 1e9 < seconds) {
                return true;
            }
            lane[1] = laneCpu(mx);
            return false;
        };
        switch (algo) {
            case Sac.ALGORITHM -> {
                SacConfig c = OffPolicyTrainer.benchConfig(OffPolicyTrainer.loadConfig(config, SacConfig.defaults()), hidden);
                try (Sac sac = new Sac(c, env, 0, threads)) {
                    sac.profile = profile;
                    sac.train(null, null, s -> keepGoing.test(s.globalStep()));
                }
            }
            case Td3.ALGORITHM -> {
                Td3Config c = OffPolicyTrainer.benchConfig(OffPolicyTrainer.loadConfig(config, Td3Config.defaults()), hidden);
                try (Td3 td3 = new Td3(c, env, 0, threads)) {
                    td3.profile = profile;
                    td3.train(null, null, s -> keepGoing.test(s.globalStep()));
                }
            }
            case Td3.DDPG -> {
                DdpgConfig c = OffPolicyTrainer.benchConfig(OffPolicyTrainer.loadConfig(config, DdpgConfig.defaults()),
                        hidden);
                try (Td3 ddpg = Td3.ddpg(c, env, 0, threads)) {
                    ddpg.profile = profile;
                    ddpg.train(null, null, s -> keepGoing.test(s.globalStep()));
                }
            }
            default -> throw new IllegalArgumentException("algorithm must be sac, td3 or ddpg, got " + algo);
        }
        double wallS = (System.nanoTime() - startWall[0]) / 1e9;
        long n = Math.max(1, steps[0]);
        System.out.printf(Locale.ROOT, "%s %s %s, %d learner threads: %d steps in %.1f s = %.1f env-steps/s%n",
                algo, env, hidden, threads, n, wallS, n / wallS);
        System.out.print(profile.report(n));
        System.out.printf(Locale.ROOT, "  %-12s cpu %7.3f ms%n", "second lane",
                lane[0] < 0 ? Double.NaN : (lane[1] - lane[0]) / 1e6 / n);
    }

    /** CPU ns of the learner's second lane thread, or -1 when there is none. */
    private static long laneCpu(ThreadMXBean mx) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("actuate-learner-lane")) {
                return mx.getThreadCpuTime(t.getId());
            }
        }
        return -1;
    }
}
