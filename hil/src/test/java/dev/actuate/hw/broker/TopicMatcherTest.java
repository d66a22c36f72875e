package dev.actuate.hw.broker;

import org.junit.jupiter.api.Test;

import static dev.actuate.hw.broker.TopicMatcher.matches;
import static dev.actuate.hw.broker.TopicMatcher.validFilter;
import static dev.actuate.hw.broker.TopicMatcher.validTopicName;
import static org.assertj.core.api.Assertions.assertThat;

class TopicMatcherTest {
    @Test
    void exactAndSingleLevelWildcards() {
        assertThat(matches("a/b", "a/b")).isTrue();
        assertThat(matches("a/b", "a/c")).isFalse();
        assertThat(matches("a/+", "a/b")).isTrue();
        assertThat(matches("a/+", "a/b/c")).isFalse();
        assertThat(matches("a/+", "a")).isFalse();
        assertThat(matches("a/+", "a/")).isTrue(); // an empty level is a level
        assertThat(matches("+/+", "/b")).isTrue();
        assertThat(matches("+", "a")).isTrue();
        assertThat(matches("+", "/a")).isFalse();
        assertThat(matches("actuate/+/state", "actuate/r1/state")).isTrue();
        assertThat(matches("actuate/+/state", "actuate/r1/command")).isFalse();
    }

    @Test
    void multiLevelWildcardMatchesTheParentAndEverythingBelow() {
        assertThat(matches("#", "a/b/c")).isTrue();
        assertThat(matches("a/#", "a")).isTrue();
        assertThat(matches("a/#", "a/b/c")).isTrue();
        assertThat(matches("a/#", "ab")).isFalse();
        assertThat(matches("a/+/#", "a/b")).isTrue();
        assertThat(matches("a/+/#", "a")).isFalse();
    }

    @Test
    void wildcardsAtTheFirstLevelSkipDollarTopics() {
        assertThat(matches("#", "$SYS/broker")).isFalse();
        assertThat(matches("+/broker", "$SYS/broker")).isFalse();
        assertThat(matches("$SYS/#", "$SYS/broker")).isTrue();
    }

    @Test
    void validation() {
        assertThat(validFilter("a/+/b")).isTrue();
        assertThat(validFilter("#")).isTrue();
        assertThat(validFilter("a/#/b")).isFalse();
        assertThat(validFilter("a/b#")).isFalse();
        assertThat(validFilter("a+/b")).isFalse();
        assertThat(validFilter("")).isFalse();
        assertThat(validTopicName("a/b")).isTrue();
        assertThat(validTopicName("a/+")).isFalse();
        assertThat(validTopicName("#")).isFalse();
        assertThat(validTopicName("")).isFalse();
        assertThat(TopicMatcher.levels("a//b")).containsExactly("a", "", "b");
    }
}
