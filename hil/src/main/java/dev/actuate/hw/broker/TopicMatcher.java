package dev.actuate.hw.broker;

/** MQTT topic names and filters: validation and matching ({@code +} one level, a final {@code #} the rest). */
final class TopicMatcher {
    private TopicMatcher() {
    }

    /** Splits at every {@code /}, keeping empty levels ({@code "a//b"} has three). */
    static String[] levels(String topic) {
        int n = 1;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                n++;
            }
        }
        String[] out = new String[n];
        int start = 0;
        int k = 0;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                out[k++] = topic.substring(start, i);
                start = i + 1;
            }
        }
        out[k] = topic.substring(start);
        return out;
    }

    /** A topic a client may publish to: non-empty, no wildcard characters. */
    static boolean validTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    }

    /** A filter a client may subscribe to: {@code +} and {@code #} only as whole levels, {@code #} only last. */
    static boolean validFilter(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        String[] f = levels(filter);
        for (int i = 0; i < f.length; i++) {
            String l = f[i];
            if (l.equals("#")) {
                if (i != f.length - 1) {
                    return false;
                }
            } else if (!l.equals("+") && (l.indexOf('+') >= 0 || l.indexOf('#') >= 0)) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(String filter, String topic) {
        return matches(levels(filter), levels(topic));
    }

    /** {@code filter} and {@code topic} as {@link #levels}; a wildcard first level never matches a {@code $} topic. */
    static boolean matches(String[] filter, String[] topic) {
        if (topic[0].startsWith("$") && (filter[0].equals("+") || filter[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < filter.length; i++) {
            String f = filter[i];
            if (f.equals("#")) {
                return true; // also matches the parent level: "a/#" matches "a"
            }
            if (i >= topic.length || !(f.equals("+") || f.equals(topic[i]))) {
                return false;
            }
        }
        return filter.length == topic.length;
    }
}
