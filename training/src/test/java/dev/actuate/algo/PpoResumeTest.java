package dev.actuate.algo;

import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PpoResumeTest {
    @TempDir
    Path dir;

    /** Tiny Pendulum run: 2 envs x 64 steps, 6 iterations; episodes (200 steps) end mid-rollout by truncation. */
    static PpoConfig tiny() {
        return ConfigYaml.bind(Map.ofEntries(
                Map.entry("n_timesteps", 768), Map.entry("n_envs", 2), Map.entry("n_steps", 64),
                Map.entry("batch_size", 48), Map.entry("n_epochs", 2), Map.entry("hidden_sizes", List.of(16, 16)),
                Map.entry("norm_obs", true), Map.entry("norm_reward", true), Map.entry("anneal_lr", true),
                Map.entry("clip_vloss", true), Map.entry("ent_coef", 0.01), Map.entry("learning_rate", 1e-3),
                Map.entry("checkpoint_every", 1)), PpoConfig.defaults(), "test");
    }

    /** Every layer's weights and biases of a policy file, in order, as one array. */
    static float[] policyParameters(byte[] policyFile, String source) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        for (dev.actuate.policy.PolicyFile.Layer l : dev.actuate.policy.PolicyReader.fromBytes(policyFile, source).layers()) {
            for (float v : l.weight()) {
                out.writeFloat(v);
            }
            for (float v : l.bias()) {
                out.writeFloat(v);
            }
        }
        java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(bytes.toByteArray()).asFloatBuffer();
        float[] all = new float[fb.remaining()];
        fb.get(all);
        return all;
    }

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        assertResumeIsExact(dir, tiny(), Ppo::new, Ppo::resume, 6, 3, 1);
    }

    /** gSDE: the log-std matrix, the exploration matrices and the generator travel in the checkpoint. */
    @Test
    void resumedGsdeRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        PpoConfig cfg = ConfigYaml.bind(Map.of("use_sde", true, "sde_sample_freq", 4, "log_std_init", -1.0),
                tiny(), "test");
        assertResumeIsExact(dir, cfg, Ppo::new, Ppo::resume, 6, 3, 1);
        try (Ppo p = new Ppo(cfg, "Pendulum-v1", 11)) {
            p.train(null, null, q -> q.iteration() < 1);
            Checkpoint cp = p.checkpoint();
            assertThat(cp.doubles(Ppo.SDE_MATRICES, 2 * 16)).isEqualTo(p.policy().explorationMatrices());
            assertThat(cp.floats(Ppo.LOG_STD, 16)).hasSize(16);
            assertThat(cp.field("use_sde").asBoolean()).isTrue();
        }
    }

    /** The resumed run's checkpoint and model files, for an algorithm's own checks. */
    record Resumed(Path checkpoint, Path model) {
    }

    /**
     * Trains {@code cfg} on Pendulum straight through ({@code iterations}), and again stopped after {@code stopAt}
     * iterations and resumed from its run directory's checkpoint: both end with the same checkpoint (provenance
     * aside), the same model parameters and the same metrics rows without their last {@code clockColumns}
     * (wall-clock) columns. Shared by PPO, A2C and TRPO, whose checkpoints are PPO's engine's.
     */
    static <C, A extends OnPolicyTrainer.Run<A, C>> Resumed assertResumeIsExact(Path root, C cfg,
            OnPolicyTrainer.Factory<C, A> factory, OnPolicyTrainer.Resumer<A> resumer, long iterations, long stopAt,
            int clockColumns) throws Exception {
        Path dir = Files.createTempDirectory(root, "run");
        byte[] straightCheckpoint;
        byte[] straightModel;
        List<String> straightMetrics;
        try (A straight = factory.create(cfg, "Pendulum-v1", 11, null);
             RunDir run = RunDir.open(dir.resolve("a"), false)) {
            straight.train(run, null, null);
            assertThat(straight.iteration()).isEqualTo(iterations);
            straightCheckpoint = straight.checkpoint().toBytes();
            straightModel = Files.readAllBytes(run.model());
            straightMetrics = metricColumns(run.metricsFile(), clockColumns);
        }

        Path b = dir.resolve("b");
        try (A first = factory.create(cfg, "Pendulum-v1", 11, null); RunDir runB = RunDir.open(b, false)) {
            first.train(runB, null, p -> p.iteration() < stopAt);
            assertThat(first.iteration()).isEqualTo(stopAt);
        }
        RunDir runB = RunDir.open(b, true);
        try (runB; A resumed = resumer.resume(runB.checkpoint(), null, null)) {
            assertThat(resumed.iteration()).isEqualTo(stopAt);
            resumed.train(runB, null, null);
            assertThat(resumed.iteration()).isEqualTo(iterations);
            // Same parameters, optimiser state, statistics, generators, counters and env states...
            assertThat(stripVolatile(resumed.checkpoint().toBytes())).isEqualTo(stripVolatile(straightCheckpoint));
        }
        // ...and the same final model and the same metrics rows (minus wall-clock columns).
        assertThat(policyParameters(Files.readAllBytes(runB.model()), "b"))
                .isEqualTo(policyParameters(straightModel, "a"));
        assertThat(metricColumns(runB.metricsFile(), clockColumns)).isEqualTo(straightMetrics);
        return new Resumed(runB.checkpoint(), runB.model());
    }

    @Test
    void differentSeedsGiveDifferentRunsAndTheSameSeedTheSameRun() throws Exception {
        PpoConfig cfg = tiny().withTimesteps(128);
        byte[] a;
        byte[] a2;
        byte[] c;
        try (Ppo p = new Ppo(cfg, "Pendulum-v1", 1)) {
            p.train(null, null, null);
            a = p.checkpoint().toBytes();
        }
        try (Ppo p = new Ppo(cfg, "Pendulum-v1", 1)) {
            p.train(null, null, null);
            a2 = p.checkpoint().toBytes();
        }
        try (Ppo p = new Ppo(cfg, "Pendulum-v1", 2)) {
            p.train(null, null, null);
            c = p.checkpoint().toBytes();
        }
        assertThat(stripVolatile(a2)).isEqualTo(stripVolatile(a));
        assertThat(stripVolatile(c)).isNotEqualTo(stripVolatile(a));
    }

    /** The checkpoint without its provenance (creation time differs between runs). */
    static String stripVolatile(byte[] checkpoint) throws Exception {
        Checkpoint cp = Checkpoint.fromBytes(checkpoint, "mem");
        cp.header().remove("provenance");
        Checkpoint copy = new Checkpoint();
        copy.header().setAll(cp.header());
        StringBuilder sb = new StringBuilder(cp.header().toString());
        for (String name : cp.floatNames()) {
            sb.append(name).append(java.util.Arrays.toString(cp.floats(name, -1)));
        }
        for (String name : new String[] {"obs_mean", "obs_var", "ret_mean", "ret_var", "discounted_returns",
                "recent_episodes", "env.0.actions", "env.1.actions", "env.0.observation", Ppo.SDE_MATRICES}) {
            if (cp.has(name)) {
                sb.append(name).append(java.util.Arrays.toString(cp.doubles(name, -1)));
            }
        }
        return sb.toString();
    }

    /** metrics.csv without its last {@code clockColumns} (wall-clock) columns. */
    private static List<String> metricColumns(Path csv, int clockColumns) throws Exception {
        return Files.readAllLines(csv).stream().map(l -> {
            String row = l;
            for (int k = 0; k < clockColumns; k++) {
                row = row.substring(0, row.lastIndexOf(','));
            }
            return row;
        }).toList();
    }
}
