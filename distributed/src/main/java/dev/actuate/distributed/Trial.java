package dev.actuate.distributed;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * One training run of a sweep, everything an executor needs (no shared file system): the resolved config as
 * YAML text, the overridden keys (for the report), the seed and the evaluation to run afterwards.
 *
 * @param name         the run directory's name under the sweep's {@code trials/}, e.g. {@code c01-seed2}
 * @param configIndex  which point of the search this is (trials of one config differ only in seed)
 * @param overrides    the swept keys and this trial's values
 * @param configYaml   the whole config file the trainer reads (base config plus overrides)
 * @param steps        total env steps, or null for the config's {@code n_timesteps}
 * @param evalEpisodes episodes of the final evaluation, seeds {@code evalSeed .. evalSeed + evalEpisodes - 1}
 * @param threads      the cores the trial may keep busy ({@link TrialThreads}), or null for the trainer's defaults
 */
public record Trial(String name, int configIndex, String algo, String env, TreeMap<String, Object> overrides,
                    String configYaml, Long steps, long seed, int evalEpisodes, long evalSeed, Integer threads)
        implements Serializable {
    public Trial {
        overrides = new TreeMap<>(overrides);
        if (evalEpisodes <= 0) {
            throw new IllegalArgumentException("eval_episodes must be positive, got " + evalEpisodes);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("threads per trial must be positive, got " + threads);
        }
    }

    /** This trial with {@code threads} cores to use (null: the trainer's defaults). */
    public Trial withThreads(Integer threads) {
        return new Trial(name, configIndex, algo, env, overrides, configYaml, steps, seed, evalEpisodes, evalSeed,
                threads);
    }

    /** The swept keys and values, sorted by key. */
    public Map<String, Object> overridesView() {
        return java.util.Collections.unmodifiableMap(overrides);
    }
}
