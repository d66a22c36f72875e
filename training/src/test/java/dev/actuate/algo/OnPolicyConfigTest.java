package dev.actuate.algo;

import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OnPolicyConfigTest {
    /** Non-default values for keys the on-policy configs share, gSDE and sim-to-real included. */
    private static final Map<String, Object> SET = Map.of("use_sde", true, "sde_sample_freq", 4, "full_std", false,
            "use_expln", true, "log_std_init", -1.5, "norm_obs", true, "sim_to_real",
            Map.of("action_delay", 1));

    /** The bench's --net, --steps and --envs change only their key: every other key, gSDE's too, is kept. */
    @Test
    void withMethodsChangeOnlyTheirKey() {
        PpoConfig ppo = ConfigYaml.bind(merged(Map.of("anneal_clip", true)), PpoConfig.defaults(), "test");
        assertKeeps(ppo, ppo.withHiddenSizes(List.of(8, 8)), "hidden_sizes", List.of(8, 8));
        assertKeeps(ppo, ppo.withTimesteps(4096), "n_timesteps", 4096L);
        assertKeeps(ppo, ppo.withEnvs(3), "n_envs", 3);
        A2cConfig a2c = ConfigYaml.bind(merged(Map.of()), A2cConfig.defaults(), "test");
        assertKeeps(a2c, a2c.withHiddenSizes(List.of(8, 8)), "hidden_sizes", List.of(8, 8));
        assertKeeps(a2c, a2c.withTimesteps(4096), "n_timesteps", 4096L);
        assertKeeps(a2c, a2c.withEnvs(3), "n_envs", 3);
        TrpoConfig trpo = ConfigYaml.bind(merged(Map.of()), TrpoConfig.defaults(), "test");
        assertKeeps(trpo, trpo.withHiddenSizes(List.of(8, 8)), "hidden_sizes", List.of(8, 8));
        assertKeeps(trpo, trpo.withTimesteps(4096), "n_timesteps", 4096L);
        assertKeeps(trpo, trpo.withEnvs(3), "n_envs", 3);
    }

    private static Map<String, Object> merged(Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(SET);
        m.putAll(extra);
        return m;
    }

    private static void assertKeeps(Record before, Record after, String key, Object value) {
        Map<String, Object> expected = new HashMap<>(ConfigYaml.toMap(before));
        Map<String, Object> actual = new HashMap<>(ConfigYaml.toMap(after));
        assertThat(String.valueOf(actual.remove(key))).isEqualTo(String.valueOf(value));
        expected.remove(key);
        assertThat(actual).as(before.getClass().getSimpleName() + " " + key).isEqualTo(expected);
    }
}
