package dev.actuate.hw.mqtt;

import java.lang.management.ManagementFactory;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static dev.actuate.hw.mqtt.TopicFilter.matches;
import static dev.actuate.hw.mqtt.TopicFilter.validFilter;
import static dev.actuate.hw.mqtt.TopicFilter.validTopicName;
import static org.assertj.core.api.Assertions.assertThat;

class TopicFilterTest {
    @Test
    void exactAndSingleLevelWildcards() {
        assertThat(matches("a/b", "a/b")).isTrue();
        assertThat(matches("a/b", "a/c")).isFalse();
        assertThat(matches("a/b", "a/bc")).isFalse();
        assertThat(matches("a/b", "a/b/")).isFalse();
        assertThat(matches("a/+", "a/b")).isTrue();
        assertThat(matches("a/+", "a/b/c")).isFalse();
        assertThat(matches("a/+", "a")).isFalse();
        assertThat(matches("a/+", "a/")).isTrue(); // an empty level is a level
        assertThat(matches("+/+", "/b")).isTrue();
        assertThat(matches("+/r1", "/r1")).as("an empty first level").isTrue();
        assertThat(matches("+", "a")).isTrue();
        assertThat(matches("+", "/a")).isFalse();
        assertThat(matches("actuate/+/state", "actuate/r1/state")).isTrue();
        assertThat(matches("actuate/+/state", "actuate/r1/command")).isFalse();
        assertThat(matches("actuate/+/state", "actuate/r1/x/state")).isFalse();
        assertThat(matches("actuate/r1/state", "actuate/r1/status")).isFalse();
    }

    @Test
    void multiLevelWildcardMatchesTheParentAndEverythingBelow() {
        assertThat(matches("#", "a/b/c")).isTrue();
        assertThat(matches("a/#", "a")).isTrue();
        assertThat(matches("a/#", "a/b/c")).isTrue();
        assertThat(matches("a/#", "ab")).isFalse();
        assertThat(matches("a/+/#", "a/b")).isTrue();
        assertThat(matches("a/+/#", "a")).isFalse();
        assertThat(matches("actuate/r1/#", "actuate/r2/state")).isFalse();
        assertThat(matches("actuate/#", "actuate/r1/controller/status")).isTrue();
    }

    @Test
    void wildcardsAtTheFirstLevelSkipDollarTopics() {
        assertThat(matches("#", "$SYS/broker")).isFalse();
        assertThat(matches("+/broker", "$SYS/broker")).isFalse();
        assertThat(matches("$SYS/#", "$SYS/broker")).isTrue();
        assertThat(matches("$SYS/broker", "$SYS/broker")).isTrue();
    }

    @Test
    void validation() {
        assertThat(validFilter("a/+/b")).isTrue();
        assertThat(validFilter("#")).isTrue();
        assertThat(validFilter("+")).isTrue();
        assertThat(validFilter("a//#")).isTrue();
        assertThat(validFilter("a/#/b")).isFalse();
        assertThat(validFilter("a/b#")).isFalse();
        assertThat(validFilter("a+/b")).isFalse();
        assertThat(validFilter("a/++")).isFalse();
        assertThat(validFilter("")).isFalse();
        assertThat(validTopicName("a/b")).isTrue();
        assertThat(validTopicName("a/+")).isFalse();
        assertThat(validTopicName("#")).isFalse();
        assertThat(validTopicName("")).isFalse();
    }

    /** The in-place walk agrees with the specification's definition over levels on random filters and topics. */
    @Test
    void agreesWithMatchingLevelByLevel() {
        Random rng = new Random(7);
        String[] words = {"", "a", "b", "ab", "$S", "+", "#"};
        int compared = 0;
        int matched = 0;
        while (compared < 20_000) {
            String filter = join(rng, words, true);
            String topic = join(rng, words, false);
            if (!validFilter(filter) || !validTopicName(topic)) {
                continue;
            }
            boolean expected = byLevels(filter.split("/", -1), topic.split("/", -1));
            assertThat(matches(filter, topic)).as("filter '%s' topic '%s'", filter, topic).isEqualTo(expected);
            compared++;
            matched += expected ? 1 : 0;
        }
        assertThat(matched).as("the random pairs cover matches too").isGreaterThan(1_000);
    }

    @Test
    void matchingAllocatesNothing() {
        String[] filters = {"actuate/r1/state", "actuate/+/command", "actuate/#", "actuate/r1/estop"};
        String topic = "actuate/r1/command";
        int hits = 0;
        for (int i = 0; i < 50_000; i++) {
            hits += matches(filters[i & 3], topic) ? 1 : 0;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.getCurrentThreadAllocatedBytes();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            hits += matches(filters[i & 3], topic) ? 1 : 0;
        }
        long after = mx.getCurrentThreadAllocatedBytes();
        assertThat(after - before).isZero();
        assertThat(hits).isEqualTo(30_000);
    }

    private static String join(Random rng, String[] words, boolean wildcards) {
        int n = 1 + rng.nextInt(4);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append('/');
            }
            String w = words[rng.nextInt(wildcards ? words.length : words.length - 2)];
            s.append(i > 0 && w.equals("$S") ? "c" : w);
        }
        return s.toString();
    }

    /** MQTT's definition over levels (section 4.7), the oracle for the walk. */
    private static boolean byLevels(String[] filter, String[] topic) {
        if (topic[0].startsWith("$") && (filter[0].equals("+") || filter[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < filter.length; i++) {
            if (filter[i].equals("#")) {
                return true;
            }
            if (i >= topic.length || !(filter[i].equals("+") || filter[i].equals(topic[i]))) {
                return false;
            }
        }
        return filter.length == topic.length;
    }
}
