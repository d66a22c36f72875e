package dev.actuate.algo;

import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrpoTest {
    @TempDir
    Path dir;

    /** Tiny Pendulum run: 2 envs x 128 steps, 6 iterations, normalised observations and rewards. */
    static TrpoConfig tiny() {
        return ConfigYaml.bind(Map.ofEntries(
                Map.entry("n_timesteps", 1536), Map.entry("n_envs", 2), Map.entry("n_steps", 128),
                Map.entry("batch_size", 64), Map.entry("hidden_sizes", List.of(16, 16)), Map.entry("cg_max_steps", 10),
                Map.entry("n_critic_updates", 3), Map.entry("norm_obs", true), Map.entry("norm_reward", true),
                Map.entry("checkpoint_every", 1)), TrpoConfig.defaults(), "test");
    }

    private static List<Trpo.Update> updates(TrpoConfig cfg, long seed) {
        List<Trpo.Update> seen = new ArrayList<>();
        try (Trpo t = new Trpo(cfg, "Pendulum-v1", seed)) {
            t.train(null, null, x -> seen.add(x.lastUpdate()));
            if (seen.size() < cfg.iterations()) {
                seen.add(t.lastUpdate()); // the last iteration is not polled
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return seen;
    }

    @Test
    void everyAcceptedUpdateKeepsTheMeasuredKlWithinTheBoundAndImprovesTheSurrogate() {
        for (double bound : new double[] {0.01, 1e-4, -0.01}) {
            // A negative entry: the bound 0.01 with gSDE (its per-state log-sigma in the Fisher and the KL).
            TrpoConfig cfg = bound > 0 ? ConfigYaml.bind(Map.of("target_kl", bound), tiny(), "test")
                    : ConfigYaml.bind(Map.of("use_sde", true, "sde_sample_freq", 4, "log_std_init", -1.0), tiny(),
                            "test");
            bound = Math.abs(bound);
            List<Trpo.Update> ups = updates(cfg, 3);
            assertThat(ups).hasSize(6);
            assertThat(ups).filteredOn(Trpo.Update::accepted).isNotEmpty();
            for (Trpo.Update u : ups) {
                if (u.accepted()) {
                    assertThat(u.kl()).as("bound %s", bound).isLessThanOrEqualTo(bound).isPositive();
                    assertThat(u.surrogateGain()).isPositive();
                    assertThat(u.fraction()).isPositive().isLessThanOrEqualTo(1.0);
                }
            }
        }
    }

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        assertResumeIsExact(tiny());
    }

    @Test
    void resumedGsdeRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        assertResumeIsExact(ConfigYaml.bind(Map.of("use_sde", true, "sde_sample_freq", 4), tiny(), "test"));
    }

    private void assertResumeIsExact(TrpoConfig cfg) throws Exception {
        PpoResumeTest.Resumed runB = PpoResumeTest.assertResumeIsExact(dir, cfg, Trpo::new, Trpo::resume, 6, 3, 2);
        // The checkpoint is TRPO's, holds TRPO's config, and is refused as a PPO checkpoint.
        Checkpoint cp = Checkpoint.read(runB.checkpoint());
        assertThat(cp.field("algorithm").asText()).isEqualTo("trpo");
        assertThat(cp.field("config").path("cg_max_steps").asInt()).isEqualTo(10);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ppo.resume(runB.checkpoint(), null))
                .hasMessageContaining("not a PPO training checkpoint");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> A2c.resume(runB.checkpoint(), null))
                .hasMessageContaining("not an A2C training checkpoint");
        // The model is a deployable policy file.
        dev.actuate.policy.PolicyFile pf = dev.actuate.policy.PolicyReader.fromBytes(Files.readAllBytes(runB.model()),
                "b");
        assertThat(pf.algorithm()).isEqualTo("trpo");
        assertThat(pf.envId()).isEqualTo("Pendulum-v1");
    }

    /**
     * sb3-contrib's {@code sub_sampling_factor}: the policy step sees every k-th row of the shuffled rollout
     * (ceil(256 / 3) = 86 rows here), still keeps the KL bound (measured on those rows), and the run stays seeded
     * and resumable bit for bit (the shuffle draws from the checkpointed generator).
     */
    @Test
    void subSampledPolicyStepKeepsTheBoundAndIsReproducible() throws Exception {
        TrpoConfig cfg = ConfigYaml.bind(Map.of("sub_sampling_factor", 3), tiny(), "test");
        List<UpdateCost> costs = new ArrayList<>();
        List<Trpo.Update> ups = new ArrayList<>();
        try (Trpo t = new Trpo(cfg, "Pendulum-v1", 3)) {
            t.train(null, null, x -> ups.add(x.lastUpdate()) && costs.add(x.lastUpdateCost()));
        }
        assertThat(costs).isNotEmpty().allSatisfy(c -> {
            assertThat(c.policyBatch()).isEqualTo(86);
            assertThat(c.fvpCalls()).isEqualTo(c.cgIterations() + 1);
            assertThat(c.cgIterations()).isBetween(1, 10);
        });
        assertThat(ups).filteredOn(Trpo.Update::accepted).isNotEmpty()
                .allSatisfy(u -> assertThat(u.kl()).isPositive().isLessThanOrEqualTo(0.01));
        assertThat(updates(cfg, 3)).isEqualTo(updates(cfg, 3)).isNotEqualTo(updates(tiny(), 3));
        assertResumeIsExact(cfg);
        assertThat(tiny().subSamplingFactor()).isEqualTo(1); // sb3-contrib's default
    }

    @Test
    void configRejectsBadTrustRegionSettings() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigYaml.bind(Map.of("sub_sampling_factor", 0),
                tiny(), "t.yaml")).hasMessageContaining("sub_sampling_factor");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigYaml.bind(Map.of("sub_sampling_factor", 200),
                tiny(), "t.yaml")).hasMessageContaining("sub_sampling_factor 200 leaves fewer than 2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigYaml.bind(Map.of("target_kl", 0.0), tiny(), "t.yaml"))
                .hasMessageContaining("target_kl");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ConfigYaml.bind(Map.of("line_search_shrinking_factor", 1.0), tiny(), "t.yaml"))
                .hasMessageContaining("line_search_shrinking_factor");
    }
}
