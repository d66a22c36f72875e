package dev.actuate.hw;

/**
 * An adapter that tells the control loop when a state arrives, so a robot-clocked loop
 * ({@code ControlLoop.Trigger.STATE}) can wake on it instead of polling the network from the
 * control thread. The count only grows; the waiter is unparked ({@link java.util.concurrent.locks.LockSupport#unpark})
 * on every arrival. Neither side allocates. Implementations usually delegate to {@link StateArrivals}.
 */
public interface StateSignal {
    /** How many states have arrived so far (valid or not yet read; only the change matters). */
    long stateArrivals();

    /** The thread to unpark on each arrival, or null for none. */
    void stateWaiter(Thread waiter);
}
