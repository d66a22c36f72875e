package dev.actuate.runtime;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateSample;

import java.util.List;

/** Delegates and records the time of every write (tests only). */
final class TimedAdapter implements HardwareInterface, EstopSource {
    private final HardwareInterface inner;
    private final List<Long> writeNanos;

    TimedAdapter(HardwareInterface inner, List<Long> writeNanos) {
        this.inner = inner;
        this.writeNanos = writeNanos;
    }

    @Override
    public List<Signal> stateSignals() {
        return inner.stateSignals();
    }

    @Override
    public List<Signal> commandSignals() {
        return inner.commandSignals();
    }

    @Override
    public LifecycleState lifecycleState() {
        return inner.lifecycleState();
    }

    @Override
    public void configure() {
        inner.configure();
    }

    @Override
    public void activate() {
        inner.activate();
    }

    @Override
    public void deactivate() {
        inner.deactivate();
    }

    @Override
    public boolean read(StateSample out) {
        return inner.read(out);
    }

    @Override
    public void write(double[] command, long stateSequence, long stateSentMicros) {
        inner.write(command, stateSequence, stateSentMicros);
        writeNanos.add(System.nanoTime());
    }

    @Override
    public boolean connected() {
        return inner.connected();
    }

    @Override
    public long estopRequests() {
        return inner instanceof EstopSource e ? e.estopRequests() : 0;
    }

    @Override
    public long estopResets() {
        return inner instanceof EstopSource e ? e.estopResets() : 0;
    }

    @Override
    public void close() {
        inner.close();
    }
}
