package dev.actuate.runtime.safety;

/**
 * Turns the policy's action into the command sent, in this order:
 * <ol>
 *   <li>latched e-stop, link down, no state yet, watchdog (stale state), NaN/Inf state, state outside its
 *       configured range ({@link StateLimits}), NaN/Inf action: any of them
 *       sends the safe action at once, unramped and not rate-limited, and counts the first that applied;</li>
 *   <li>otherwise the startup ramp (restarted after an e-stop reset), clipping to the limits, then
 *       the rate limit relative to the previous command.</li>
 * </ol>
 * Allocation-free; called only from the control thread (except {@link EStop}, which any thread may trip).
 */
public final class SafetyLayer {
    private final double[] safe;
    private final EStop estop;
    private final Watchdog watchdog;
    private final StartupRamp ramp;
    private final ActionClip clip;
    private final RateLimiter rateLimiter;
    private final SafetyCounters counters;
    private final StateLimits stateLimits;
    private boolean wasStopped;

    /** Without state limits (in-process runs, HIL comparisons). */
    public SafetyLayer(SafetySettings s, double periodSeconds, SafetyCounters counters, EStop estop) {
        this(s, periodSeconds, counters, estop, null);
    }

    /** @param stateLimits the robot's state ranges, or null for none */
    public SafetyLayer(SafetySettings s, double periodSeconds, SafetyCounters counters, EStop estop, StateLimits stateLimits) {
        this.stateLimits = stateLimits;
        this.safe = s.safeAction();
        this.estop = estop;
        this.watchdog = new Watchdog(s.stateTimeoutSeconds());
        this.ramp = new StartupRamp(s.rampSeconds(), periodSeconds);
        this.clip = new ActionClip(s.min(), s.max());
        this.rateLimiter = new RateLimiter(s.maxRatePerSecond(), periodSeconds);
        this.counters = counters;
    }

    /**
     * @param linkUp         whether the adapter's link to the robot is up
     * @param haveState      whether any state has been received
     * @param stateAgeMicros now minus the newest state's local receive time
     * @param state          the newest state
     * @param action         the policy's action (ignored when a safe action is due)
     * @param command        filled with what to send
     * @return the event that forced the safe action, or null when the policy's action (shaped) is sent
     */
    public SafetyEvent apply(boolean linkUp, boolean haveState, long stateAgeMicros, double[] state, float[] action, double[] command) {
        SafetyEvent forced = null;
        if (estop.latched()) {
            forced = SafetyEvent.ESTOP;
            wasStopped = true;
        } else if (!linkUp) {
            // Not waiting for the watchdog: the state is known to be stale the moment the link drops.
            forced = SafetyEvent.DISCONNECTED;
        } else if (!haveState) {
            forced = SafetyEvent.AWAITING_STATE;
        } else if (watchdog.expired(true, stateAgeMicros)) {
            forced = SafetyEvent.WATCHDOG;
        } else if (!Finite.all(state)) {
            forced = SafetyEvent.NAN_STATE;
        } else if (stateLimits != null && !stateLimits.inRange(state)) {
            forced = SafetyEvent.STATE_OUT_OF_RANGE;
        } else if (!Finite.all(action)) {
            forced = SafetyEvent.NAN_ACTION;
        }
        if (forced != null) {
            counters.increment(forced);
            System.arraycopy(safe, 0, command, 0, safe.length);
            rateLimiter.reset(safe);
            return forced;
        }
        if (wasStopped) {
            ramp.restart();
            wasStopped = false;
        }
        for (int i = 0; i < command.length; i++) {
            command[i] = action[i];
        }
        ramp.apply(command, safe);
        if (clip.apply(command)) {
            counters.increment(SafetyEvent.CLIPPED);
        }
        if (rateLimiter.apply(command)) {
            counters.increment(SafetyEvent.RATE_LIMITED);
        }
        return null;
    }

    /**
     * Clamps the state signals configured {@code out_of_range: clamp} in place, before the policy
     * sees them; counts {@link SafetyEvent#STATE_CLAMPED} when any was.
     */
    public void clampState(double[] state) {
        if (stateLimits != null && stateLimits.clamp(state)) {
            counters.increment(SafetyEvent.STATE_CLAMPED);
        }
    }

    /** Fills {@code command} with the safe action (the loop's orderly stop); not a safety event. */
    public void safe(double[] command) {
        System.arraycopy(safe, 0, command, 0, safe.length);
        rateLimiter.reset(safe);
    }

    public EStop estop() {
        return estop;
    }

    public SafetyCounters counters() {
        return counters;
    }

    /** A copy of the safe action. */
    public double[] safeAction() {
        return safe.clone();
    }
}
