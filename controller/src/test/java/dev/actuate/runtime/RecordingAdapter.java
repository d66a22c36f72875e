package dev.actuate.runtime;

import dev.actuate.hw.EstopSource;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.Signal;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.StateSignal;

import java.util.ArrayList;
import java.util.List;

/** Delegates to another adapter and records every command written (tests only; allocates). */
class RecordingAdapter implements HardwareInterface, EstopSource, StateSignal {
    final HardwareInterface inner;
    final List<double[]> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The state sequence each command answered. */
    final List<Long> answered = new java.util.concurrent.CopyOnWriteArrayList<>();

    RecordingAdapter(HardwareInterface inner) {
        this.inner = inner;
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
        commands.add(command.clone());
        answered.add(stateSequence);
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
    public long stateArrivals() {
        return ((StateSignal) inner).stateArrivals();
    }

    @Override
    public void stateWaiter(Thread waiter) {
        ((StateSignal) inner).stateWaiter(waiter);
    }

    @Override
    public void close() {
        inner.close();
    }
}
