package dev.actuate.train;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds a flat YAML mapping onto a config record: every algorithm's config is an immutable record
 * whose canonical constructor validates, and YAML keys are the snake_case names of its components
 * ({@code gaeLambda} is {@code gae_lambda}). Keys missing from the file keep the defaults' values.
 *
 * <p>Supported component types: {@code int}, {@code long}, {@code double}, {@code boolean},
 * {@link String}, {@link Double} (nullable), enums (by case-insensitive name), {@code List<Integer>},
 * {@code List<Double>} (a single number reads as a one-element list) and nested records (a nested mapping,
 * e.g. {@code sim_to_real:}, whose keys are bound the same way over the defaults' value). Unknown keys, wrong
 * types and out-of-range values are errors that name the key (dotted for nested ones) and the source.
 */
public final class ConfigYaml {
    private ConfigYaml() {
    }

    /** {@code gaeLambda} to {@code gae_lambda}. */
    public static String key(String componentName) {
        return componentName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Reads {@code file} over {@code defaults}; an empty file is an error. */
    public static <R extends Record> R load(Path file, R defaults) throws IOException {
        String source = file.toString();
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(source, null, "config file does not exist");
        } catch (YAMLException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (doc == null) {
            // An empty file is more likely a mistake (a truncated copy, the wrong path) than a wish for the
            // defaults, which would mean e.g. a million steps; omitting --config is how to ask for them.
            throw new IllegalArgumentException(source + ": config file is empty (no keys); give at least one key, "
                    + "or leave out --config for the defaults");
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(source + ": expected a mapping of keys to values at top level");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            values.put(String.valueOf(e.getKey()), e.getValue());
        }
        return bind(values, defaults, source);
    }

    /** Overrides {@code defaults} with {@code values}; {@code source} names the origin in errors. */
    public static <R extends Record> R bind(Map<String, ?> values, R defaults, String source) {
        return bind(values, defaults, source, "");
    }

    /** {@code prefix} is the dotted path of a nested record's mapping, e.g. {@code sim_to_real.}. */
    @SuppressWarnings("unchecked")
    private static <R extends Record> R bind(Map<String, ?> values, R defaults, String source, String prefix) {
        Class<R> type = (Class<R>) defaults.getClass();
        RecordComponent[] comps = type.getRecordComponents();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < comps.length; i++) {
            index.put(key(comps[i].getName()), i);
        }
        Object[] args = new Object[comps.length];
        for (int i = 0; i < comps.length; i++) {
            args[i] = get(comps[i], defaults);
        }
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Integer i = index.get(e.getKey());
            if (i == null) {
                throw new IllegalArgumentException(source + ": unknown key '" + prefix + e.getKey() + "'; known keys"
                        + (prefix.isEmpty() ? "" : " of " + prefix.substring(0, prefix.length() - 1)) + ": "
                        + String.join(", ", new TreeSet<>(index.keySet())));
            }
            args[i] = convert(e.getValue(), comps[i].getGenericType(), prefix + e.getKey(), source, args[i]);
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(
                    java.util.Arrays.stream(comps).map(RecordComponent::getType).toArray(Class<?>[]::new));
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                String where = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ";
                throw new IllegalArgumentException(source + ": " + where + iae.getMessage(), iae);
            }
            throw new IllegalStateException(source + ": cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** The record as an ordered snake_case map (nested records as nested maps), the inverse of {@link #bind}. */
    public static Map<String, Object> toMap(Record config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            Object v = get(c, config);
            out.put(key(c.getName()), v instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT)
                    : v instanceof Record r ? toMap(r) : v);
        }
        return out;
    }

    /** The resolved config as YAML text, one key per line in declaration order (nested records indented). */
    public static String toYaml(Record config) {
        StringBuilder sb = new StringBuilder();
        appendYaml(sb, toMap(config), "");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void appendYaml(StringBuilder sb, Map<String, Object> map, String indent) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                sb.append(indent).append(e.getKey()).append(":\n");
                appendYaml(sb, (Map<String, Object>) nested, indent + "  ");
                continue;
            }
            String text;
            if (v instanceof List<?> list) {
                List<String> items = new ArrayList<>();
                list.forEach(x -> items.add(scalar(x)));
                text = "[" + String.join(", ", items) + "]";
            } else {
                text = scalar(v);
            }
            sb.append(indent).append(e.getKey()).append(": ").append(text).append('\n');
        }
    }

    private static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            // Keep a dot or exponent with sign so YAML 1.1 reads a float back.
            return Double.isFinite(d) ? Double.toString(d) : (d.isNaN() ? ".nan" : (d > 0 ? ".inf" : "-.inf"));
        }
        return String.valueOf(v);
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            var acc = c.getAccessor();
            acc.setAccessible(true);
            return acc.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Object v, Type type, String key, String source, Object defaultValue) {
        String where = source + ": key '" + key + "'";
        if (type instanceof Class<?> cls && cls.isRecord()) {
            if (v == null) {
                return defaultValue;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(where + ": expected a mapping of keys to values, got '" + v + "'");
            }
            Map<String, Object> nested = new LinkedHashMap<>();
            m.forEach((k, x) -> nested.put(String.valueOf(k), x));
            return bind(nested, (Record) defaultValue, source, key + ".");
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() == List.class
                && pt.getActualTypeArguments()[0] == Double.class) {
            // One number stands for a one-element list (e.g. the same noise std for every component).
            List<?> list = v == null ? List.of() : v instanceof List<?> l ? l : List.of(v);
            List<Double> out = new ArrayList<>();
            for (Object o : list) {
                out.add(toDouble(o, where));
            }
            return List.copyOf(out);
        }
        if (type == int.class || type == Integer.class) {
            long l = toLong(v, where);
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": " + v + " is out of range for an integer");
            }
            return (int) l;
        }
        if (type == long.class || type == Long.class) {
            return toLong(v, where);
        }
        if (type == double.class) {
            return toDouble(v, where);
        }
        if (type == Double.class) {
            return v == null ? null : toDouble(v, where);
        }
        if (type == boolean.class || type == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException(where + ": expected true or false, got '" + v + "'");
        }
        if (type == String.class) {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                return String.valueOf(v);
            }
            throw new IllegalArgumentException(where + ": expected a string, got '" + v + "'");
        }
        if (type instanceof Class<?> cls && cls.isEnum()) {
            String name = String.valueOf(v).toUpperCase(Locale.ROOT);
            for (Object constant : cls.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(name)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (Object constant : cls.getEnumConstants()) {
                names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(where + ": '" + v + "' is not one of " + names);
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() == List.class
                && pt.getActualTypeArguments()[0] == Integer.class) {
            if (!(v instanceof List<?> list)) {
                throw new IllegalArgumentException(where + ": expected a list of integers like [64, 64], got '" + v + "'");
            }
            List<Integer> out = new ArrayList<>();
            for (Object o : list) {
                out.add((int) toLong(o, where));
            }
            return List.copyOf(out);
        }
        throw new IllegalStateException(where + ": unsupported config type " + type);
    }

    private static long toLong(Object v, String where) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String s) {
            d = parse(s, where);
        } else {
            throw new IllegalArgumentException(where + ": expected an integer, got '" + v + "'");
        }
        // Zoo files write step counts as 1e5 floats; accept them when they are whole numbers.
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException(where + ": expected an integer, got " + v);
        }
        return (long) d;
    }

    private static double toDouble(Object v, String where) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            // YAML 1.1 reads "1e-3" (no dot) as a string; accept it as the number it clearly is.
            return parse(s, where);
        }
        throw new IllegalArgumentException(where + ": expected a number, got '" + v + "'");
    }

    private static double parse(String s, String where) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": expected a number, got '" + s + "'");
        }
    }
}
