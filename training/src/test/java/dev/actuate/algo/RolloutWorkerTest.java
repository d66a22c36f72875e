package dev.actuate.algo;

import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;

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
 * rollout. Pendulum's episodes are 200 steps and a rollout here is 32, so every episode crosses rollout
 * boundaries: the returns only come out right if each worker's envs live on between rollouts.
 */
class RolloutWorkerTest {
    private static final String ENV = "Pendulum-v1";

    static PpoConfig config(boolean normalize) {
        return ConfigYaml.bind(Map.of("n_envs", 4, "n_steps", 32, "batch_size", 32, "n_epochs", 2,
                "n_timesteps", 4 * 32 * 8, "norm_obs", normalize, "norm_reward", normalize), PpoConfig.defaults(),
                "test");
    }

    /** A learner whose rollouts come from {@code workers} workers of {@code 4 / workers} envs each. */
    static Ppo distributed(PpoConfig cfg, long seed, int workers) {
        Ppo ppo = new Ppo(cfg, ENV, seed);
        int per = cfg.nEnvs() / workers;
        List<RolloutWorker> ws = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            ws.add(new RolloutWorker(cfg, ENV, seed, w * per, per));
        }
        ppo.distributeRollouts(req -> ws.stream().map(w -> w.collect(req)).toList());
        return ppo;
    }

    private static void assertSameRun(Ppo a, Ppo b) {
        assertEquals(a.globalStep(), b.globalStep());
        assertEquals(a.episodes(), b.episodes());
        assertEquals(a.meanRecentReturn(), b.meanRecentReturn());
        assertArrayEquals(a.policy().meanNet().getParams(), b.policy().meanNet().getParams());
        assertArrayEquals(a.valueNet().getParams(), b.valueNet().getParams());
        assertEquals(a.rolloutRequest().rngState(), b.rolloutRequest().rngState());
    }

    @Test
    void workersGiveTheLocalRunBitForBit() throws Exception {
        PpoConfig cfg = config(false);
        try (Ppo local = new Ppo(cfg, ENV, 3); Ppo two = distributed(cfg, 3, 2); Ppo four = distributed(cfg, 3, 4)) {
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

    @Test
    void withObservationNormalisationTheWorkerCountDoesNotMatter() throws Exception {
        PpoConfig cfg = config(true);
        try (Ppo local = new Ppo(cfg, ENV, 5); Ppo one = distributed(cfg, 5, 1); Ppo two = distributed(cfg, 5, 2)) {
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

    @Test
    void gsdeIsRefusedByName() {
        PpoConfig cfg = ConfigYaml.bind(Map.of("use_sde", true), PpoConfig.defaults(), "test");
        try (Ppo ppo = new Ppo(cfg, ENV, 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ppo.distributeRollouts(req -> List.of()));
            assertTrue(e.getMessage().contains("use_sde"), e.getMessage());
        }
    }

    @Test
    void aWorkerThatMissedAnIterationSaysItsEnvsWereLost() {
        PpoConfig cfg = config(false);
        try (Ppo ppo = new Ppo(cfg, ENV, 0); RolloutWorker w = new RolloutWorker(cfg, ENV, 0, 0, 4)) {
            RolloutRequest first = ppo.rolloutRequest();
            w.collect(first);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.collect(first));
            assertTrue(e.getMessage().contains("envs were lost"), e.getMessage());
        }
    }
}
