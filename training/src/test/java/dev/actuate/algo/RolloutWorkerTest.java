package dev.actuate.algo;

import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollouts from workers (in this JVM; the Spark module runs the same workers as tasks) against the learner's own
 * rollout, for PPO, TRPO and A2C (all three on PPO's rollout engine, each with its own update). Pendulum's episodes
 * are 200 steps and a rollout here is 32, so every episode crosses rollout boundaries: the returns only come out
 * right if each worker's envs live on between rollouts.
 */
class RolloutWorkerTest {
    private static final String ENV = "Pendulum-v1";

    private final List<RolloutWorker> workers = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeWorkers() {
        workers.forEach(RolloutWorker::close);
    }

    /** 8 rollouts of 4 envs x 32 steps; small nets for TRPO and A2C, PPO's default 64x64 for PPO. */
    static Map<String, Object> keys(boolean normalize) {
        return Map.of("n_envs", 4, "n_steps", 32, "batch_size", 32, "n_timesteps", 4 * 32 * 8, "norm_obs", normalize,
                "norm_reward", normalize);
    }

    static PpoConfig config(boolean normalize) {
        Map<String, Object> m = new java.util.HashMap<>(keys(normalize));
        m.put("n_epochs", 2);
        return ConfigYaml.bind(m, PpoConfig.defaults(), "test");
    }

    /** A fresh run of {@code algo} at {@link #keys}. */
    static OnPolicyTrainer.Run<?, ?> run(Algorithm algo, boolean normalize, long seed) {
        return run(algo, normalize, seed, Map.of());
    }

    /** A fresh run of {@code algo} at {@link #keys} and {@code extra}. */
    static OnPolicyTrainer.Run<?, ?> run(Algorithm algo, boolean normalize, long seed, Map<String, Object> extra) {
        Map<String, Object> m = new java.util.HashMap<>(keys(normalize));
        m.putAll(extra);
        return switch (algo) {
            case PPO -> {
                m.put("n_epochs", 2);
                yield new Ppo(ConfigYaml.bind(m, PpoConfig.defaults(), "test"), ENV, seed);
            }
            case TRPO -> {
                m.put("hidden_sizes", List.of(16, 16));
                m.put("n_critic_updates", 3);
                m.put("cg_max_steps", 5);
                yield new Trpo(ConfigYaml.bind(m, TrpoConfig.defaults(), "test"), ENV, seed);
            }
            case A2C -> {
                m.remove("batch_size");
                m.put("hidden_sizes", List.of(16, 16));
                yield new A2c(ConfigYaml.bind(m, A2cConfig.defaults(), "test"), ENV, seed);
            }
            default -> throw new IllegalArgumentException(algo.id());
        };
    }

    /** {@code run} with its rollouts from {@code count} workers of {@code n_envs / count} envs each. */
    private <R extends OnPolicyTrainer.Run<?, ?>> R distributed(R run, long seed, int count) {
        RolloutWorker.Setup setup = run.rolloutSetup();
        int per = setup.nEnvs() / count;
        List<RolloutWorker> ws = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            ws.add(new RolloutWorker(setup, ENV, seed, w * per, per));
        }
        workers.addAll(ws);
        run.distributeRollouts(req -> ws.stream().map(w -> w.collect(req)).toList());
        return run;
    }

    /**
     * The learner's whole state bit for bit: every array of the checkpoint (networks, optimiser states, statistics)
     * but the envs' (the learner's own envs are never stepped when workers roll out), the generator, the counters.
     */
    private static void assertSameRun(OnPolicyTrainer.Run<?, ?> a, OnPolicyTrainer.Run<?, ?> b) throws Exception {
        assertEquals(a.globalStep(), b.globalStep());
        Checkpoint x = a.checkpoint();
        Checkpoint y = b.checkpoint();
        List<String> arrays = x.floatNames().stream().filter(n -> !n.startsWith("env.")).sorted().toList();
        assertEquals(arrays, y.floatNames().stream().filter(n -> !n.startsWith("env.")).sorted().toList());
        assertTrue(arrays.contains("value") && arrays.contains(Ppo.POLICY_MEAN), arrays.toString());
        for (String name : arrays) {
            assertArrayEquals(x.floats(name, -1), y.floats(name, -1), name);
        }
        for (String name : List.of("recent_episodes", "discounted_returns")) {
            assertArrayEquals(x.doubles(name, -1), y.doubles(name, -1), name);
        }
        for (String field : List.of("rng_state", "episodes", "global_step", "iteration")) {
            assertEquals(x.field(field), y.field(field), field);
        }
    }

    @Test
    void ppoWorkersGiveTheLocalRunBitForBit() throws Exception {
        try (Ppo local = new Ppo(config(false), ENV, 3); Ppo two = distributed(new Ppo(config(false), ENV, 3), 3, 2);
             Ppo four = distributed(new Ppo(config(false), ENV, 3), 3, 4)) {
            local.train(null, null, p -> true);
            two.train(null, null, p -> true);
            four.train(null, null, p -> true);
            // 8 rollouts of 32 steps on 4 envs: each env finished its first 200-step episode in rollout 7.
            assertEquals(4, local.episodes());
            assertTrue(Double.isFinite(local.meanRecentReturn()));
            assertSameRun(local, two);
            assertSameRun(local, four);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TRPO", "A2C"})
    void trpoAndA2cWorkersGiveTheLocalRunBitForBit(Algorithm algo) throws Exception {
        try (var local = run(algo, false, 7); var one = distributed(run(algo, false, 7), 7, 1);
             var two = distributed(run(algo, false, 7), 7, 2)) {
            local.train(null, null, null);
            one.train(null, null, null);
            two.train(null, null, null);
            assertEquals(4 * 32 * 8, local.globalStep());
            assertEquals(4, local.checkpoint().field("episodes").asInt());
            assertSameRun(local, one);
            assertSameRun(local, two);
            // The update did something: the policy moved from its initial parameters.
            try (var fresh = run(algo, false, 7)) {
                assertNotEquals(fresh.checkpoint().floats(Ppo.POLICY_MEAN, -1)[0],
                        local.checkpoint().floats(Ppo.POLICY_MEAN, -1)[0]);
            }
        }
    }

    @Test
    void withObservationNormalisationTheWorkerCountDoesNotMatter() throws Exception {
        PpoConfig cfg = config(true);
        try (Ppo local = new Ppo(cfg, ENV, 5); Ppo one = distributed(new Ppo(cfg, ENV, 5), 5, 1);
             Ppo two = distributed(new Ppo(cfg, ENV, 5), 5, 2)) {
            local.train(null, null, p -> true);
            one.train(null, null, p -> true);
            two.train(null, null, p -> true);
            assertSameRun(one, two);
            // Workers normalise with the statistics of the rollout's start, a local run with every step's: the
            // runs part (documented), but the observation statistics saw the same number of observations.
            assertNotEquals(local.policy().meanNet().getParams()[0], one.policy().meanNet().getParams()[0]);
            assertEquals(local.observationStatistics().count(), one.observationStatistics().count());
        }
    }

    /**
     * gSDE: the workers redraw every env's exploration matrices from the learner's generator at the same steps (the
     * rollout's start, and every 4 steps here) and use their own envs' rows; the learner draws the same ones.
     */
    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"PPO", "TRPO", "A2C"})
    void gsdeWorkersGiveTheLocalRunBitForBit(Algorithm algo) throws Exception {
        Map<String, Object> sde = Map.of("use_sde", true, "sde_sample_freq", 4);
        try (var local = run(algo, false, 9, sde); var two = distributed(run(algo, false, 9, sde), 9, 2)) {
            local.train(null, null, null);
            two.train(null, null, null);
            assertTrue(local.checkpoint().floatNames().contains(Ppo.POLICY_MEAN));
            assertSameRun(local, two);
            assertArrayEquals(local.checkpoint().doubles(Ppo.SDE_MATRICES, -1),
                    two.checkpoint().doubles(Ppo.SDE_MATRICES, -1));
        }
    }

    @Test
    void distributedRunsRefuseOffPolicyAlgorithmsByName() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DistributedRun.create(Algorithm.SAC, ENV, null, null, null, 0));
        assertTrue(e.getMessage().contains("--algo sac") && e.getMessage().contains("ppo, trpo, a2c"), e.getMessage());
        Path plain = Files.writeString(dir.resolve("plain.yaml"), "n_envs: 2\nn_steps: 8\nn_timesteps: 20\n");
        try (DistributedRun r = DistributedRun.create(Algorithm.TRPO, ENV, plain, null, null, 0)) {
            assertEquals("trpo", r.algorithm());
            assertEquals(2, r.setup().nEnvs());
            assertEquals(32, r.totalSteps()); // 20 steps round up to two rollouts of 16
        }
    }

    @Test
    void aWorkerThatMissedAnIterationSaysItsEnvsWereLost() {
        PpoConfig cfg = config(false);
        try (Ppo ppo = new Ppo(cfg, ENV, 0); RolloutWorker w = new RolloutWorker(ppo.rolloutSetup(), ENV, 0, 0, 4)) {
            RolloutRequest first = ppo.rolloutRequest();
            w.collect(first);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.collect(first));
            assertTrue(e.getMessage().contains("envs were lost"), e.getMessage());
        }
    }
}
