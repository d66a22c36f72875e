package dev.actuate.hw;

import java.util.List;

/**
 * A robot as the controller sees it, with ros2_control's lifecycle:
 * {@code configure -> activate -> read/write ... -> deactivate}, and {@code ERROR} on failure.
 * Commands are accepted only while {@link LifecycleState#ACTIVE}.
 *
 * <p>{@link #read} and {@link #write} are called from the control thread and must not block on
 * the network or allocate: network adapters hand data to and from an I/O thread.
 */
public interface HardwareInterface extends AutoCloseable {
    List<Signal> stateSignals();

    List<Signal> commandSignals();

    LifecycleState lifecycleState();

    void configure();

    void activate();

    void deactivate();

    /**
     * Copies the newest state into {@code out}.
     *
     * @return true if a state newer than the previous read arrived
     */
    boolean read(StateSample out);

    /**
     * Sends a command. {@code stateSequence} and {@code stateSentMicros} echo the state the command
     * answers, so the robot can measure round-trip latency.
     *
     * @throws IllegalStateException if the interface is not active
     */
    void write(double[] command, long stateSequence, long stateSentMicros);

    /** Whether the link to the robot is up now (always true for in-process adapters). */
    default boolean connected() {
        return true;
    }

    @Override
    void close();
}
