package dev.actuate.hw.mqtt;

/**
 * MQTT topic names and filters (MQTT 3.1.1 and 5, section 4.7): validation and matching, {@code +} one
 * level, a final {@code #} the rest. One implementation for the client's message routing and the
 * embedded broker. Matching walks both strings in place: it runs once per message per subscription,
 * on the control path, where splitting into levels allocated more than anything else of ours.
 */
public final class TopicFilter {
    private TopicFilter() {
    }

    /**
     * Whether {@code topic} matches {@code filter}: an empty level is a level ({@code "a/+"} matches
     * {@code "a/"}), {@code "a/#"} also matches its parent {@code "a"}, and a wildcard first level never
     * matches a topic starting with {@code $}. The filter is assumed valid ({@link #validFilter}).
     */
    public static boolean matches(String filter, String topic) {
        int fl = filter.length();
        int tl = topic.length();
        if (tl > 0 && topic.charAt(0) == '$' && fl > 0 && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
            return false;
        }
        int f = 0;
        int t = 0;
        while (true) {
            // f and t start one level each; fe and te are where those levels end.
            int fe = filter.indexOf('/', f);
            if (fe < 0) {
                fe = fl;
            }
            if (fe - f == 1 && filter.charAt(f) == '#') {
                return true;
            }
            int te = topic.indexOf('/', t);
            if (te < 0) {
                te = tl;
            }
            boolean plus = fe - f == 1 && filter.charAt(f) == '+';
            if (!plus && (fe - f != te - t || !filter.regionMatches(f, topic, t, fe - f))) {
                return false;
            }
            if (te == tl) {
                // The topic has no level left: a match if the filter ends here too, or only "/#" is left.
                return fe == fl || (fe + 2 == fl && filter.charAt(fe + 1) == '#');
            }
            if (fe == fl) {
                return false;
            }
            f = fe + 1;
            t = te + 1;
        }
    }

    /** A topic a client may publish to: non-empty, no wildcard characters. */
    public static boolean validTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    }

    /** A filter a client may subscribe to: {@code +} and {@code #} only as whole levels, {@code #} only last. */
    public static boolean validFilter(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        int start = 0;
        while (true) {
            int end = filter.indexOf('/', start);
            boolean last = end < 0;
            if (last) {
                end = filter.length();
            }
            boolean whole = end - start == 1;
            for (int i = start; i < end; i++) {
                char c = filter.charAt(i);
                if (c == '#' && !(whole && last)) {
                    return false;
                }
                if (c == '+' && !whole) {
                    return false;
                }
            }
            if (last) {
                return true;
            }
            start = end + 1;
        }
    }
}
