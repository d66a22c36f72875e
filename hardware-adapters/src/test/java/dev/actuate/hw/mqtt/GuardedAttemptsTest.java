package dev.actuate.hw.mqtt;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardedAttemptsTest {
    @Test
    void noAttemptYetIsSettledAndNudgeAndAbandonAreHarmless() throws Exception {
        GuardedAttempts a = new GuardedAttempts();
        a.nudge();
        a.abandon();
        assertThat(a.awaitSettled(System.nanoTime())).isTrue();
    }

    @Test
    void anOpenAttemptIsUnsettledUntilAbandoned() throws Exception {
        GuardedAttempts a = new GuardedAttempts();
        a.next();
        assertThat(a.awaitSettled(System.nanoTime())).as("deadline already passed, connect thread not done").isFalse();
        a.abandon();
        assertThat(a.awaitSettled(System.nanoTime())).isTrue();
        a.next();
        assertThat(a.awaitSettled(System.nanoTime())).as("a new attempt replaces the abandoned one").isFalse();
    }

    @Test
    void onlyModuleRefusesAnythingButOne() {
        assertThat(GuardedAttempts.onlyModule(new String[] {"m"}, "tcp://h:1")).isEqualTo("m");
        assertThatThrownBy(() -> GuardedAttempts.onlyModule(new String[] {"a", "b"}, "tcp://h:1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tcp://h:1").hasMessageContaining("got 2");
    }

    @Test
    void socketRunsTheModulesStartAndStop() throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        ConnectGuard.Socket s = GuardedAttempts.socket(() -> started.set(true), () -> stopped.set(true));
        s.start();
        assertThat(started).isTrue();
        assertThat(stopped).isFalse();
        s.stop();
        assertThat(stopped).isTrue();
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> GuardedAttempts.socket(() -> {
            throw boom;
        }, () -> { }).start()).isSameAs(boom);
    }

    @Test
    void opIsDoneOnlyWhenCompleteWithoutException() {
        AtomicBoolean complete = new AtomicBoolean();
        AtomicReference<Exception> exception = new AtomicReference<>();
        PahoClient.Op op = GuardedAttempts.op(complete::get, exception::get,
                e -> new PahoClient.Failure(PahoClient.Failure.Reason.OTHER, e.getMessage(), e));
        assertThat(op.done()).isFalse();
        assertThat(op.failure()).isNull();
        complete.set(true);
        assertThat(op.done()).isTrue();
        // A failed token carries its exception without reporting completion.
        complete.set(false);
        exception.set(new Exception("refused"));
        assertThat(op.done()).isFalse();
        assertThat(op.failure().getMessage()).isEqualTo("refused");
        complete.set(true);
        assertThat(op.done()).isFalse();
    }

    @Test
    void describeNamesTheCause() {
        assertThat(GuardedAttempts.describe(new Exception("Connection lost"))).isEqualTo("Connection lost");
        assertThat(GuardedAttempts.describe(new Exception("Connection lost", new java.net.SocketException("Connection reset"))))
                .isEqualTo("Connection lost (SocketException: Connection reset)");
    }

    @Test
    void awaitDisconnectedGivesUpAtTheDeadlineWhileStillConnected() {
        AtomicBoolean woken = new AtomicBoolean();
        assertThat(GuardedAttempts.awaitDisconnected(this, () -> false, "guarded-attempts-test", System.nanoTime(),
                () -> woken.set(true))).isFalse();
        assertThat(woken).as("the sender is woken only once disconnected").isFalse();
        // Disconnected and no Paho threads of this id: done at once, the sender woken never (no thread to wake).
        assertThat(GuardedAttempts.awaitDisconnected(this, () -> true, "guarded-attempts-test", System.nanoTime(),
                () -> woken.set(true))).isTrue();
        assertThat(woken).isFalse();
    }
}
