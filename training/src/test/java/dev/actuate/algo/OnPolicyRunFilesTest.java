package dev.actuate.algo;

import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What PPO, A2C and TRPO leave in a run directory, recorded from the code before their bookkeeping moved onto
 * {@link RunLog}: the files, metrics.csv's header and first row, and the checkpoint's fields. Values compare to a
 * relative 1e-6 (BLAS kernels may differ in the last bits between CPUs); counts compare exactly.
 */
class OnPolicyRunFilesTest {
    @TempDir
    Path dir;

    static final List<String> FILES = List.of(".lock", "checkpoint.actuate", "config.yaml", "curve.png", "metrics.csv",
            "model.actuate", "provenance.json");

    @Test
    void ppoRunDirectory() throws Exception {
        PpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 256, "checkpoint_every", 5), PpoResumeTest.tiny(), "t");
        assertRunDirectory(train("ppo", new Ppo(cfg, "Pendulum-v1", 11)), 1, PPO_HEADER, PPO_ROW, PPO_CHECKPOINT);
    }

    @Test
    void a2cRunDirectory() throws Exception {
        A2cConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 32, "checkpoint_every", 5), A2cTest.tiny(), "t");
        assertRunDirectory(train("a2c", new A2c(cfg, "Pendulum-v1", 11)), 1, A2C_HEADER, A2C_ROW, A2C_CHECKPOINT);
    }

    @Test
    void trpoRunDirectory() throws Exception {
        TrpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 512, "checkpoint_every", 5), TrpoTest.tiny(), "t");
        assertRunDirectory(train("trpo", new Trpo(cfg, "Pendulum-v1", 11)), 2, TRPO_HEADER, TRPO_ROW,
                TRPO_CHECKPOINT);
    }

    /** Two iterations of {@code algo} into a fresh run directory, which is returned. */
    private Path train(String name, OnPolicyTrainer.Run<?, ?> algo) throws IOException {
        Path d = dir.resolve(name);
        try (algo; RunDir run = RunDir.open(d, false)) {
            algo.train(run, null, null);
        }
        return d;
    }

    /** @param wallClock how many trailing columns are wall-clock (not compared) */
    private static void assertRunDirectory(Path d, int wallClock, String header, String row, String checkpoint)
            throws IOException {
        TreeSet<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(d)) {
            s.forEach(p -> files.add(p.getFileName().toString()));
        }
        List<String> lines = Files.readAllLines(d.resolve(RunDir.METRICS));
        Checkpoint cp = Checkpoint.read(d.resolve(RunDir.CHECKPOINT));
        List<String> fields = new ArrayList<>();
        cp.header().fieldNames().forEachRemaining(fields::add);
        String cpSummary = fields + " " + new TreeSet<>(cp.floatNames());
        assertThat(new ArrayList<>(files)).isEqualTo(FILES);
        assertThat(lines.get(0)).isEqualTo(header);
        assertThat(lines).hasSize(3); // the header and two iterations
        double[] got = values(lines.get(1));
        double[] want = values(row);
        assertThat(got).hasSize(want.length + wallClock);
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(want[i])) {
                assertThat(got[i]).as("column %d", i).isNaN();
            } else {
                assertThat(got[i]).as("column %d", i).isCloseTo(want[i], within(1e-6 * Math.max(1, Math.abs(want[i]))));
            }
        }
        assertThat(cpSummary).isEqualTo(checkpoint);
    }

    /** metrics.csv writes NaN as "nan". */
    private static double[] values(String csvRow) {
        return Arrays.stream(csvRow.split(",")).mapToDouble(v -> "nan".equals(v) ? Double.NaN : Double.parseDouble(v))
                .toArray();
    }

    /** The checkpoint header fields of PPO's rollout engine, which A2C and TRPO extend. */
    private static final String ENGINE_FIELDS = "[kind, algorithm, env, obs_dim, act_dim, policy_sizes, activation, "
            + "norm_obs, clip_obs, obs_epsilon, use_sde, iteration, global_step, provenance, sim_to_real, obs_count, "
            + "config, seed, episodes, rng_state, adam_iteration, ret_count, envs";
    private static final String PPO_HEADER = "iteration,global_step,mean_return,mean_length,episodes,learning_rate,"
            + "policy_loss,value_loss,entropy,approx_kl,clip_fraction,explained_variance,std,epochs,steps_per_sec";
    private static final String PPO_ROW = "1,128,nan,nan,0,0.00100000,-0.000703485,7.30211,1.41902,3.03339e-05,0,"
            + "0.00901746,0.999038,2";
    private static final String PPO_CHECKPOINT = ENGINE_FIELDS + "] [adam_state, log_std, policy_mean, value]";
    private static final String A2C_HEADER = "iteration,global_step,mean_return,mean_length,episodes,learning_rate,"
            + "policy_loss,value_loss,entropy,grad_norm,explained_variance,std,steps_per_sec";
    // SB3's schedule runs the first of two updates at half the rate (learning_rate, and the std after the step, were
    // 0.000700000 and 0.993029 before it); the losses and the gradient norm, taken before the step, are unchanged.
    private static final String A2C_ROW = "1,16,nan,nan,0,0.000350000,3.82776,24.7844,1.41894,7.88079,0.0174771,"
            + "0.996508";
    private static final String A2C_CHECKPOINT = ENGINE_FIELDS
            + "] [adam_state, log_std, policy_mean, rmsprop_state, value]";
    private static final String TRPO_HEADER = "iteration,global_step,mean_return,mean_length,episodes,surrogate_gain,"
            + "kl,accepted,step_fraction,line_search_trials,value_loss,explained_variance,std,policy_update_ms,"
            + "steps_per_sec";
    // The same step as before; its logged KL is sb3-contrib's KL(new || old) now (KL(old || new) was 0.00883935).
    private static final String TRPO_ROW = "1,256,nan,nan,0,0.0207148,0.00868354,1,1,1,4.19642,-0.0461814,0.991121";
    private static final String TRPO_CHECKPOINT = ENGINE_FIELDS
            + ", value_adam_iteration] [adam_state, log_std, policy_mean, value, value_adam_state]";
}
