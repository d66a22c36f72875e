package dev.actuate.hw.config;

import dev.actuate.hw.OutOfRange;
import dev.actuate.hw.Signal;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads {@code configs/robots/<name>.yaml} into a {@link RobotConfig}. SnakeYAML's
 * {@link SafeConstructor} builds plain maps and lists (no arbitrary classes); every key is then
 * checked by hand so an error names the file and the key, and unknown keys are rejected to catch
 * typos. Passwords come from a file ({@code password_file}) or an environment variable
 * ({@code password_env}), never from the config itself (config files end up in version control
 * and backups). Relative truststore, keystore and password-file paths resolve against the config
 * file's folder.
 * The simulation sections of a robot description ({@code model}, {@code task}, {@code randomize}) are
 * the simulator's to validate (sim's {@code RobotDescriptionLoader}); here they are allowed and skipped,
 * and a file read from disk with a {@code model:} section names itself as the robot's env.
 */
public final class RobotConfigLoader {
    private static final Set<String> TOP = Set.of("robot", "broker", "adapter", "payload", "rate_hz", "env", "auth",
            "tls", "signals", "safety", "mqtt", "model", "task", "randomize");
    private static final Set<String> SIGNAL = Set.of("name", "unit", "min", "max", "out_of_range", "topic", "format", "field",
            "scale", "offset");

    private final Function<String, String> environment;

    /** A loader that reads passwords from the process environment. */
    public RobotConfigLoader() {
        this(System::getenv);
    }

    /** A loader with its own environment lookup (tests). */
    public RobotConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public static RobotConfig load(Path file) {
        return new RobotConfigLoader().read(file);
    }

    public RobotConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("robot config " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read robot config " + file + ": " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            return parse(text, dir, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code baseDir} resolves relative paths (may be null). */
    public RobotConfig parse(String yamlText, Path baseDir) {
        return parse(yamlText, baseDir, null);
    }

    /** {@code self}: the file's path, the env id of a robot that describes its own simulation. */
    private RobotConfig parse(String yamlText, Path baseDir, String self) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("invalid YAML: " + e.getMessage());
        }
        Map<String, Object> m = map("(top level)", root);
        checkKeys("", m, TOP);
        String id = string("robot", m.get("robot"), true);
        String broker = string("broker", m.get("broker"), true);
        AdapterType adapter = enumValue("adapter", m.get("adapter"), AdapterType.class, AdapterType.NATIVE);
        PayloadFormat payload = enumValue("payload", m.get("payload"), PayloadFormat.class, PayloadFormat.BINARY);
        double rate = number("rate_hz", m.get("rate_hz"), Double.NaN);
        if (Double.isNaN(rate)) {
            throw new IllegalArgumentException("rate_hz: is required");
        }
        String env = string("env", m.get("env"), false);
        if (m.get("model") != null) {
            if (env != null) {
                throw new IllegalArgumentException("env: give env (a registered simulator) or model (this file's own"
                        + " simulation), not both");
            }
            env = self;
        }
        Credentials creds = m.get("auth") == null ? null : credentials(map("auth", m.get("auth")), baseDir);
        TlsConfig tls = m.get("tls") == null ? null : tls(map("tls", m.get("tls")), baseDir);

        Map<String, Object> signals = map("signals", m.get("signals"));
        checkKeys("signals.", signals, Set.of("state", "command"));
        List<Signal> states = new ArrayList<>();
        List<Signal> commands = new ArrayList<>();
        List<TopicBinding> stateBindings = new ArrayList<>();
        List<TopicBinding> commandBindings = new ArrayList<>();
        signals("signals.state", signals.get("state"), false, adapter, states, stateBindings);
        signals("signals.command", signals.get("command"), true, adapter, commands, commandBindings);

        SafetyConfig safety = m.get("safety") == null ? null
                : safety(map("safety", m.get("safety")), commands.size());
        MqttSettings mqtt = m.get("mqtt") == null ? null : mqtt(map("mqtt", m.get("mqtt")));
        return new RobotConfig(id, broker, adapter, payload, creds, tls, rate, states, commands, stateBindings,
                commandBindings, env, safety, mqtt);
    }

    private Credentials credentials(Map<String, Object> a, Path baseDir) {
        checkKeys("auth.", a, Set.of("username", "password", "password_file", "password_env"));
        String user = string("auth.username", a.get("username"), true);
        String pw = secret("auth.password", a, baseDir);
        if (pw == null) {
            throw new IllegalArgumentException("auth: set password_file or password_env for user " + user);
        }
        return new Credentials(user, pw);
    }

    private TlsConfig tls(Map<String, Object> t, Path baseDir) {
        checkKeys("tls.", t, Set.of("truststore", "truststore_password", "truststore_password_file",
                "truststore_password_env", "keystore", "keystore_password", "keystore_password_file", "keystore_password_env"));
        Path trust = path("tls.truststore", t.get("truststore"), baseDir);
        Path key = path("tls.keystore", t.get("keystore"), baseDir);
        String keyPw = secret("tls.keystore_password", t, baseDir);
        if (key != null && keyPw == null) {
            throw new IllegalArgumentException("tls.keystore: needs keystore_password_file or keystore_password_env");
        }
        return new TlsConfig(trust, secret("tls.truststore_password", t, baseDir), key, keyPw);
    }

    private Path path(String key, Object node, Path baseDir) {
        String s = string(key, node, false);
        if (s == null) {
            return null;
        }
        Path p = Path.of(s);
        return !p.isAbsolute() && baseDir != null ? baseDir.resolve(p).normalize() : p;
    }

    /**
     * The secret {@code key} from {@code key_file} (first line, trailing newline dropped) or
     * {@code key_env}; null when neither is set. A literal {@code key} is refused. Errors name the
     * key, the file or the variable, never the value.
     */
    private String secret(String key, Map<String, Object> m, Path baseDir) {
        String name = key.substring(key.indexOf('.') + 1);
        if (m.get(name) != null) {
            throw new IllegalArgumentException(key + ": secrets are not read from the config file (it ends up in "
                    + "version control and backups); use " + name + "_file: PATH or " + name + "_env: VAR");
        }
        Object file = m.get(name + "_file");
        Object envName = m.get(name + "_env");
        if (file != null && envName != null) {
            throw new IllegalArgumentException(key + ": set either " + name + "_file or " + name + "_env, not both");
        }
        if (file != null) {
            Path p = path(key + "_file", file, baseDir);
            try {
                String text = Files.readString(p);
                int eol = text.indexOf('\n');
                String v = (eol < 0 ? text : text.substring(0, eol)).replace("\r", "");
                if (v.isEmpty()) {
                    throw new IllegalArgumentException(key + "_file: " + p + " is empty");
                }
                return v;
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(key + "_file: " + p + " does not exist");
            } catch (IOException e) {
                throw new IllegalArgumentException(key + "_file: cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (envName == null) {
            return null;
        }
        String var = string(key + "_env", envName, true);
        String v = environment.apply(var);
        if (v == null) {
            throw new IllegalArgumentException(key + "_env: environment variable " + var + " is not set");
        }
        return v;
    }

    private void signals(String key, Object node, boolean command, AdapterType adapter, List<Signal> out,
            List<TopicBinding> bindings) {
        if (!(node instanceof List<?> list)) {
            throw new IllegalArgumentException(key + ": expected a list of signals, got " + describe(node));
        }
        for (int i = 0; i < list.size(); i++) {
            String k = key + "[" + i + "]";
            Map<String, Object> s = map(k, list.get(i));
            checkKeys(k + ".", s, SIGNAL);
            String name = string(k + ".name", s.get("name"), true);
            k = key + "[" + name + "]";
            String unit = s.get("unit") == null ? "" : string(k + ".unit", s.get("unit"), false);
            if (command && (s.get("min") == null || s.get("max") == null)) {
                throw new IllegalArgumentException(k + ": command signals need min and max (the safety layer clips to them)");
            }
            double min = number(k + ".min", s.get("min"), Double.NEGATIVE_INFINITY);
            double max = number(k + ".max", s.get("max"), Double.POSITIVE_INFINITY);
            if (command && !(Double.isFinite(min) && Double.isFinite(max))) {
                throw new IllegalArgumentException(k + ": command limits must be finite");
            }
            if (!(min <= max)) {
                throw new IllegalArgumentException(k + ": min " + min + " > max " + max);
            }
            if (command && s.get("out_of_range") != null) {
                throw new IllegalArgumentException(k + ".out_of_range: only for state signals (commands are always clipped to min/max)");
            }
            OutOfRange oor = enumValue(k + ".out_of_range", s.get("out_of_range"), OutOfRange.class, OutOfRange.SAFE);
            out.add(new Signal(name, unit == null ? "" : unit, min, max, oor));
            boolean hasBinding = s.get("topic") != null;
            if (adapter == AdapterType.MAPPED) {
                if (!hasBinding) {
                    throw new IllegalArgumentException(k + ".topic: is required with adapter: mapped");
                }
                ValueFormat f = enumValue(k + ".format", s.get("format"), ValueFormat.class, ValueFormat.PLAIN);
                String field = string(k + ".field", s.get("field"), false);
                if (f == ValueFormat.PLAIN && field != null) {
                    throw new IllegalArgumentException(k + ".field: only allowed with format: json");
                }
                try {
                    bindings.add(new TopicBinding(name, string(k + ".topic", s.get("topic"), true), f, field,
                            number(k + ".scale", s.get("scale"), 1.0), number(k + ".offset", s.get("offset"), 0.0)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(k + ": " + e.getMessage());
                }
            } else {
                for (String only : List.of("topic", "format", "field", "scale", "offset")) {
                    if (s.get(only) != null) {
                        throw new IllegalArgumentException(k + "." + only + ": only allowed with adapter: mapped");
                    }
                }
            }
        }
    }

    private static MqttSettings mqtt(Map<String, Object> q) {
        checkKeys("mqtt.", q, Set.of("version", "message_expiry_periods", "session_expiry_s"));
        MqttSettings d = MqttSettings.defaults();
        MqttVersion version = d.version();
        boolean fixed = q.get("version") != null;
        if (fixed) {
            // YAML reads 5 as an integer and 3.1.1 as a string; both are fine.
            String v = string("mqtt.version", q.get("version"), true);
            version = MqttVersion.parse(v);
            if (version == null) {
                throw new IllegalArgumentException("mqtt.version: '" + v + "' is not one of 5, 3.1.1");
            }
        }
        int periods = (int) Math.min(Integer.MAX_VALUE,
                whole("mqtt.message_expiry_periods", q.get("message_expiry_periods"), d.messageExpiryPeriods()));
        long session = whole("mqtt.session_expiry_s", q.get("session_expiry_s"), d.sessionExpirySeconds());
        if (version == MqttVersion.V3_1_1 && q.get("message_expiry_periods") != null && periods != 0) {
            throw new IllegalArgumentException("mqtt.message_expiry_periods: the broker cannot expire messages in MQTT 3.1.1;"
                    + " use version: 5, or leave it out (robots still drop commands older than "
                    + MqttSettings.DEFAULT_EXPIRY_PERIODS + " periods, rounded up to whole seconds)");
        }
        return new MqttSettings(version, fixed, periods, session);
    }

    /** A non-negative whole number (YAML integer), or {@code dflt} when absent. */
    private static long whole(String key, Object node, long dflt) {
        if (node == null) {
            return dflt;
        }
        if (!(node instanceof Integer || node instanceof Long || node instanceof java.math.BigInteger)) {
            throw new IllegalArgumentException(key + ": expected a whole number, got " + describe(node));
        }
        java.math.BigInteger v = new java.math.BigInteger(node.toString());
        if (v.signum() < 0 || v.bitLength() > 40) {
            throw new IllegalArgumentException(key + ": " + v + " is out of range");
        }
        return v.longValue();
    }

    private static SafetyConfig safety(Map<String, Object> s, int commands) {
        checkKeys("safety.", s, Set.of("max_rate_per_s", "watchdog_ms", "safe_action", "startup_ramp_s"));
        double[] rate = vector("safety.max_rate_per_s", s.get("max_rate_per_s"), commands, Double.POSITIVE_INFINITY);
        double[] safe = vector("safety.safe_action", s.get("safe_action"), commands, 0.0);
        double wd = number("safety.watchdog_ms", s.get("watchdog_ms"), SafetyConfig.DEFAULT_WATCHDOG_MS);
        double ramp = number("safety.startup_ramp_s", s.get("startup_ramp_s"), 0.0);
        return new SafetyConfig(rate, wd, safe, ramp);
    }

    /** A scalar applies to every command; a list must have one entry per command. */
    private static double[] vector(String key, Object node, int n, double dflt) {
        double[] v = new double[n];
        if (node == null || node instanceof Number) {
            java.util.Arrays.fill(v, node == null ? dflt : number(key, node, dflt));
            return v;
        }
        if (!(node instanceof List<?> list)) {
            throw new IllegalArgumentException(key + ": expected a number or a list of numbers, got " + describe(node));
        }
        if (list.size() != n) {
            throw new IllegalArgumentException(key + ": has " + list.size() + " entries but the robot has " + n
                    + " command signals");
        }
        for (int i = 0; i < n; i++) {
            v[i] = number(key + "[" + i + "]", list.get(i), Double.NaN);
            if (Double.isNaN(v[i])) {
                throw new IllegalArgumentException(key + "[" + i + "]: is missing");
            }
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(String key, Object node) {
        if (!(node instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(key + ": expected a mapping, got " + describe(node));
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new IllegalArgumentException(key + ": key " + k + " is not a string");
            }
        }
        return (Map<String, Object>) m;
    }

    private static void checkKeys(String prefix, Map<String, Object> m, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(prefix + k + ": unknown key; allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private static String string(String key, Object node, boolean required) {
        if (node == null) {
            if (required) {
                throw new IllegalArgumentException(key + ": is required");
            }
            return null;
        }
        if (node instanceof String s) {
            if (required && s.isBlank()) {
                throw new IllegalArgumentException(key + ": is blank");
            }
            return s;
        }
        if (node instanceof Number || node instanceof Boolean) {
            return node.toString();
        }
        throw new IllegalArgumentException(key + ": expected a string, got " + describe(node));
    }

    private static double number(String key, Object node, double dflt) {
        if (node == null) {
            return dflt;
        }
        if (node instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(key + ": expected a number, got " + describe(node));
    }

    private static <E extends Enum<E>> E enumValue(String key, Object node, Class<E> type, E dflt) {
        if (node == null) {
            return dflt;
        }
        String s = string(key, node, true);
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(key + ": '" + s + "' is not one of " + allowed);
        }
    }

    private static String describe(Object node) {
        if (node == null) {
            return "nothing";
        }
        String kind = node instanceof Map ? "a mapping" : node instanceof List ? "a list"
                : node instanceof String ? "the string" : node.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return node instanceof Map || node instanceof List ? kind : kind + " '" + node + "'";
    }
}
