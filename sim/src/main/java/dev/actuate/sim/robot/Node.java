package dev.actuate.sim.robot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed YAML value with its field path ({@code model.joints[pole].limits}), so every error
 * names the file, the field and the reason. SnakeYAML's safe constructor gives plain maps, lists,
 * strings and numbers; this reads them with checked types.
 */
final class Node {
    private final String file;
    private final String path;
    private final Object value;

    Node(String file, String path, Object value) {
        this.file = file;
        this.path = path;
        this.value = value;
    }

    String path() {
        return path;
    }

    boolean isNull() {
        return value == null;
    }

    boolean isMap() {
        return value instanceof Map;
    }

    boolean isNumber() {
        return value instanceof Number;
    }

    IllegalArgumentException error(String reason) {
        return new IllegalArgumentException(file + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + reason);
    }

    /** A child of this mapping; absent keys give a null node. */
    Node get(String key) {
        Map<String, Object> m = map();
        return new Node(file, path.isEmpty() ? key : path + "." + key, m.get(key));
    }

    boolean has(String key) {
        return map().get(key) != null;
    }

    /** Rejects keys outside {@code allowed} (typos must not pass silently). */
    Node checkKeys(Set<String> allowed) {
        for (String k : map().keySet()) {
            if (!allowed.contains(k)) {
                String p = path.isEmpty() ? k : path + "." + k;
                throw new IllegalArgumentException(file + ": " + p + ": unknown key; allowed: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map() {
        if (!(value instanceof Map<?, ?> m)) {
            throw error("expected a mapping, got " + describe());
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw error("key " + k + " is not a string");
            }
        }
        return (Map<String, Object>) m;
    }

    /** The elements of a list; each named {@code path[i]} until the caller renames it. */
    List<Node> list() {
        if (!(value instanceof List<?> l)) {
            throw error("expected a list, got " + describe());
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(new Node(file, path + "[" + i + "]", l.get(i)));
        }
        return out;
    }

    /** The same value under another path, e.g. {@code bodies[pole]} once the name is known. */
    Node renamed(String newPath) {
        return new Node(file, newPath, value);
    }

    String string() {
        if (value == null) {
            throw error("is required");
        }
        if (!(value instanceof String s)) {
            throw error("expected a string, got " + describe());
        }
        if (s.isBlank()) {
            throw error("is blank");
        }
        return s;
    }

    /** A scalar as text (numbers and booleans as written, e.g. a unit of {@code 1}); null when absent. */
    String text() {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw error("expected a string, got " + describe());
    }

    String string(String dflt) {
        return value == null ? dflt : string();
    }

    double number() {
        if (value == null) {
            throw error("is required");
        }
        if (!(value instanceof Number n)) {
            throw error("expected a number, got " + describe());
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            throw error("must be finite, got " + d);
        }
        return d;
    }

    double number(double dflt) {
        return value == null ? dflt : number();
    }

    double positive() {
        double d = number();
        if (!(d > 0)) {
            throw error("must be positive, got " + d);
        }
        return d;
    }

    double nonNegative(double dflt) {
        double d = number(dflt);
        if (!(d >= 0)) {
            throw error("must be non-negative, got " + d);
        }
        return d;
    }

    int integer(int dflt) {
        if (value == null) {
            return dflt;
        }
        double d = number();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw error("expected an integer, got " + d);
        }
        return (int) d;
    }

    boolean bool(boolean dflt) {
        if (value == null) {
            return dflt;
        }
        if (!(value instanceof Boolean b)) {
            throw error("expected true or false, got " + describe());
        }
        return b;
    }

    /** A fixed-length list of numbers, e.g. a point {@code [x, y]}. */
    double[] vector(int n) {
        List<Node> l = list();
        if (l.size() != n) {
            throw error("expected " + n + " numbers, got " + l.size());
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = l.get(i).number();
        }
        return v;
    }

    double[] vector(int n, double[] dflt) {
        return value == null ? dflt.clone() : vector(n);
    }

    /** A range {@code [low, high]} with low <= high; a single number means {@code [x, x]}. */
    double[] range() {
        if (value instanceof Number) {
            double x = number();
            return new double[] {x, x};
        }
        double[] r = vector(2);
        if (!(r[0] <= r[1])) {
            throw error("range [" + r[0] + ", " + r[1] + "] is out of order (low must not exceed high)");
        }
        return r;
    }

    <E extends Enum<E>> E enumValue(Class<E> type) {
        String s = string();
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw error("'" + s + "' is not one of " + String.join(", ", allowed));
        }
    }

    <E extends Enum<E>> E enumValue(Class<E> type, E dflt) {
        return value == null ? dflt : enumValue(type);
    }

    private String describe() {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return (value instanceof String ? "the string" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT))
                + " '" + value + "'";
    }
}
