package dev.actuate.distributed;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.DdpgConfig;
import dev.actuate.algo.PpoConfig;
import dev.actuate.algo.SacConfig;
import dev.actuate.algo.Td3Config;
import dev.actuate.cli.DefaultConfigs;
import dev.actuate.sim.Envs;
import dev.actuate.train.ConfigYaml;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A sweep file: which algorithm and env, a base config, the keys to search (grid, or random draws) and the
 * seeds each config runs with. Validated when loaded, every config bound onto the algorithm's config record,
 * so a bad key fails before any trial starts, naming the file and the key.
 *
 * <pre>
 * algo: sac
 * env: Pendulum-v1
 * config: ../sac/Pendulum-v1.yaml   # optional, relative to this file; default configs/&lt;algo&gt;/&lt;env&gt;.yaml
 * steps: 4000                       # optional, overrides n_timesteps
 * seeds: [0, 1]                     # or a count: 2 means seeds 0 and 1
 * eval_episodes: 10
 * eval_seed: 1000
 * search: grid                      # or random, with trials: N and search_seed: S
 * threads_per_trial: 1              # optional: cores per trial; default: the executor's cores / its concurrent trials
 * params:
 *   learning_rate: [3.0e-4, 1.0e-3] # grid: the values; random: choose one, or {uniform: [a, b]}, {log_uniform: [a, b]}
 * </pre>
 *
 * @param configs         one map of swept values per point of the search, in order
 * @param threadsPerTrial the cores each trial may keep busy, or null for the driver's choice ({@link TrialThreads})
 */
public record SweepSpec(Path source, Algorithm algorithm, String env, Map<String, Object> baseConfig, Long steps,
                        List<Long> seeds, int evalEpisodes, long evalSeed, List<Map<String, Object>> configs,
                        Integer threadsPerTrial) {
    private static final Set<String> KEYS = Set.of("algo", "env", "config", "steps", "seeds", "eval_episodes",
            "eval_seed", "search", "trials", "search_seed", "params", "threads_per_trial");
    static final long DEFAULT_EVAL_SEED = 1000;
    static final int DEFAULT_EVAL_EPISODES = 10;

    public SweepSpec {
        baseConfig = new LinkedHashMap<>(baseConfig);
        seeds = List.copyOf(seeds);
        configs = configs.stream().map(m -> (Map<String, Object>) new TreeMap<>(m)).toList();
        if (threadsPerTrial != null && threadsPerTrial < 1) {
            throw new IllegalArgumentException(source + ": threads_per_trial: must be positive, got " + threadsPerTrial);
        }
    }

    /** Every trial: configs × seeds, named {@code c<config>-seed<seed>}. */
    public List<Trial> trials() {
        List<Trial> out = new ArrayList<>();
        int width = String.valueOf(Math.max(configs.size() - 1, 0)).length();
        for (int c = 0; c < configs.size(); c++) {
            Map<String, Object> merged = new LinkedHashMap<>(baseConfig);
            merged.putAll(configs.get(c));
            String yaml = dump(merged);
            for (long seed : seeds) {
                String name = String.format("c%0" + width + "d-seed%d", c, seed);
                out.add(new Trial(name, c, algorithm.id(), env, new TreeMap<>(configs.get(c)), yaml, steps, seed,
                        evalEpisodes, evalSeed, threadsPerTrial));
            }
        }
        return out;
    }

    /** One config, many seeds: what {@code actuate study} runs. */
    public static SweepSpec study(Algorithm algorithm, String env, Path config, Long steps, List<Long> seeds,
                                  int evalEpisodes, Integer threadsPerTrial) throws IOException {
        Envs.spec(env);
        Path base = config != null ? config : DefaultConfigs.find(algorithm.id(), env);
        SweepSpec s = new SweepSpec(base == null ? Path.of("(built-in defaults)") : base, algorithm, env,
                base == null ? Map.of() : readMapping(base), steps, seeds, evalEpisodes, DEFAULT_EVAL_SEED,
                List.of(Map.of()), threadsPerTrial);
        s.validate();
        return s;
    }

    public static SweepSpec load(Path file) throws IOException {
        Map<String, Object> m = readMapping(file);
        String src = file.toString();
        for (String k : m.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(src + ": unknown key '" + k + "'; known: " + new java.util.TreeSet<>(KEYS));
            }
        }
        Algorithm algo = Algorithm.parse(string(m, "algo", src));
        String env = string(m, "env", src);
        try {
            Envs.spec(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src + ": env: " + e.getMessage(), e);
        }
        Path base;
        if (m.containsKey("config")) {
            Path dir = file.toAbsolutePath().getParent();
            base = dir.resolve(string(m, "config", src)).normalize();
            if (!Files.isRegularFile(base)) {
                throw new IllegalArgumentException(src + ": config: " + base + " does not exist");
            }
        } else {
            base = DefaultConfigs.find(algo.id(), env);
        }
        Map<String, Object> baseConfig = base == null ? Map.of() : readMapping(base);
        Long steps = m.containsKey("steps") ? positiveLong(m.get("steps"), "steps", src) : null;
        List<Long> seeds = seeds(m.getOrDefault("seeds", 1), src);
        int evalEpisodes = (int) positiveLong(m.getOrDefault("eval_episodes", DEFAULT_EVAL_EPISODES), "eval_episodes", src);
        long evalSeed = m.containsKey("eval_seed") ? longValue(m.get("eval_seed"), "eval_seed", src) : DEFAULT_EVAL_SEED;
        String search = m.containsKey("search") ? string(m, "search", src) : "grid";
        if (!(m.getOrDefault("params", Map.of()) instanceof Map<?, ?> params)) {
            throw new IllegalArgumentException(src + ": params: expected a mapping of config keys to values");
        }
        List<Map<String, Object>> configs = switch (search) {
            case "grid" -> {
                if (m.containsKey("trials") || m.containsKey("search_seed")) {
                    throw new IllegalArgumentException(src + ": trials and search_seed belong to search: random");
                }
                yield grid(params, src);
            }
            case "random" -> random(params, (int) positiveLong(required(m, "trials", src), "trials", src),
                    m.containsKey("search_seed") ? longValue(m.get("search_seed"), "search_seed", src) : 0, src);
            default -> throw new IllegalArgumentException(src + ": search: expected grid or random, got '" + search + "'");
        };
        Integer threads = m.containsKey("threads_per_trial")
                ? (int) positiveLong(m.get("threads_per_trial"), "threads_per_trial", src) : null;
        SweepSpec s = new SweepSpec(file, algo, env, baseConfig, steps, seeds, evalEpisodes, evalSeed, configs, threads);
        s.validate();
        return s;
    }

    /** Binds every config onto the algorithm's record, so a bad key or value fails here, not in a task. */
    void validate() {
        for (int c = 0; c < configs.size(); c++) {
            Map<String, Object> merged = new LinkedHashMap<>(baseConfig);
            merged.putAll(configs.get(c));
            String where = source + " (config " + c + " " + configs.get(c) + ")";
            switch (algorithm) {
                case PPO -> ConfigYaml.bind(merged, PpoConfig.defaults(), where);
                case SAC -> ConfigYaml.bind(merged, SacConfig.defaults(), where);
                case TD3 -> ConfigYaml.bind(merged, Td3Config.defaults(), where);
                case DDPG -> ConfigYaml.bind(merged, DdpgConfig.defaults(), where);
            }
        }
    }

    private static List<Map<String, Object>> grid(Map<?, ?> params, String src) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<?, ?> e : params.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof List<?> values) || values.isEmpty()) {
                throw new IllegalArgumentException(src + ": params." + key + ": a grid needs a non-empty list of values");
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (Object v : values) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(key, v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    private static List<Map<String, Object>> random(Map<?, ?> params, int trials, long searchSeed, String src) {
        SplittableRandom rng = new SplittableRandom(searchSeed);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : params.entrySet()) {
                String key = String.valueOf(e.getKey());
                m.put(key, draw(e.getValue(), rng, src + ": params." + key));
            }
            out.add(m);
        }
        return out;
    }

    private static Object draw(Object spec, SplittableRandom rng, String where) {
        if (spec instanceof List<?> values && !values.isEmpty()) {
            return values.get(rng.nextInt(values.size()));
        }
        if (spec instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            if (e.getValue() instanceof List<?> r && r.size() == 2 && r.get(0) instanceof Number a
                    && r.get(1) instanceof Number b && a.doubleValue() < b.doubleValue()) {
                double lo = a.doubleValue();
                double hi = b.doubleValue();
                switch (String.valueOf(e.getKey())) {
                    case "uniform":
                        return lo + (hi - lo) * rng.nextDouble();
                    case "log_uniform":
                        if (lo > 0) {
                            return Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.nextDouble());
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        throw new IllegalArgumentException(where + ": expected a non-empty list of values, {uniform: [lo, hi]} or "
                + "{log_uniform: [lo, hi]} with 0 < lo < hi, got " + spec);
    }

    private static List<Long> seeds(Object v, String src) {
        if (v instanceof Number) {
            long n = positiveLong(v, "seeds", src);
            List<Long> out = new ArrayList<>();
            for (long s = 0; s < n; s++) {
                out.add(s);
            }
            return out;
        }
        if (v instanceof List<?> l && !l.isEmpty()) {
            List<Long> out = new ArrayList<>();
            for (Object o : l) {
                long s = longValue(o, "seeds", src);
                if (out.contains(s)) {
                    throw new IllegalArgumentException(src + ": seeds: " + s + " is listed twice");
                }
                out.add(s);
            }
            return out;
        }
        throw new IllegalArgumentException(src + ": seeds: expected a count or a non-empty list of seeds, got " + v);
    }

    static Map<String, Object> readMapping(Path file) throws IOException {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file does not exist");
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(file + ": expected a mapping of keys to values at top level");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    static String dump(Map<String, Object> config) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o).dump(config);
    }

    private static Object required(Map<String, Object> m, String key, String src) {
        if (!m.containsKey(key) || m.get(key) == null) {
            throw new IllegalArgumentException(src + ": missing required key '" + key + "'");
        }
        return m.get(key);
    }

    private static String string(Map<String, Object> m, String key, String src) {
        Object v = required(m, key, src);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(src + ": " + key + ": expected a non-empty string, got " + v);
        }
        return s;
    }

    private static long longValue(Object v, String key, String src) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException(src + ": " + key + ": expected an integer, got " + v);
    }

    private static long positiveLong(Object v, String key, String src) {
        long n = longValue(v, key, src);
        if (n <= 0) {
            throw new IllegalArgumentException(src + ": " + key + ": must be positive, got " + n);
        }
        return n;
    }
}
