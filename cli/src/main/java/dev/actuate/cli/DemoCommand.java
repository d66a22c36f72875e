package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.runtime.ControlLoop;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.runtime.HilRun;
import dev.actuate.runtime.StallProbe;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code actuate demo}: the deployment path end to end on embedded defaults. A policy drives the
 * simulated robot over MQTT (embedded broker, lock-step) through the control loop and safety layer;
 * the report compares the returns with an in-process evaluation of the same policy and seeds.
 *
 * <p>The policy: {@code --model PATH}, or {@code --controller NAME} (a built-in), else the trained
 * model shipped at {@code models/ppo-<env>.actuate} (looked up in the working directory, then
 * above the jar), else the env's heuristic, which the report then says. The loop is robot-clocked
 * ({@code --trigger state}) by default: each state is answered at once.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a policy over MQTT against the simulated robot and compare with in-process evaluation")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--env", paramLabel = "ID", description = "Env the robot simulates (default: the model's env, else LunarLanderContinuous-v3)")
    String envId;

    @Option(names = "--model", paramLabel = "RUN_DIR|MODEL|NAME",
            description = "Trained policy (default: models/ppo-<env>.actuate if shipped, else the env's heuristic)")
    String model;

    @Option(names = "--controller", paramLabel = "NAME", description = "Built-in controller instead of a model: " + BuiltInControllers.HELP)
    String controller;

    @Option(names = "--trigger", paramLabel = "periodic|state",
            description = "Loop trigger: state (robot-clocked, answer each state at once) or periodic (default ${DEFAULT-VALUE})")
    String trigger = "state";

    @Option(names = "--episodes", description = "Episodes (default ${DEFAULT-VALUE})")
    int episodes = 3;

    @Option(names = "--seed", description = "Episode k uses seed + k (default ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--rate", paramLabel = "HZ",
            description = "Control-loop rate (with --trigger state: the deadline for each state); lock-step makes returns independent of it (default ${DEFAULT-VALUE})")
    double rate = 100;

    @Option(names = "--broker", paramLabel = "URL", description = "Use this broker instead of the embedded one")
    String broker;

    @Option(names = "--embedded-broker", paramLabel = "moquette|actuate",
            description = "In-process broker when no --broker is given: actuate (Actuate's own single-threaded broker, MQTT 5,"
                    + " the default) or moquette (MQTT 3.1.1); docs/broker.md")
    String embeddedBroker = "actuate";

    @Option(names = "--warmup", paramLabel = "EPISODES",
            description = "Episodes run over MQTT first and not measured (JIT compilation, connections; default ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (model != null && controller != null) {
            throw new IllegalArgumentException("give either --controller or --model, not both");
        }
        ControlLoop.Trigger t = ControlLoop.Trigger.parse("--trigger", trigger);
        String env = envId != null ? envId : model != null ? ModelControllers.envId(Path.of(model)) : DEFAULT_ENV;
        Envs.spec(env); // unknown ids fail here with the list of known ones
        String policyModel = model;
        String note = "";
        if (model == null && controller == null) {
            Path shipped = DefaultConfigs.findFile(shippedModel(env));
            if (shipped != null) {
                policyModel = shipped.toString();
            } else {
                note = " (no trained model at " + shippedModel(env) + ": using the heuristic controller)";
            }
        }
        String m = policyModel;
        HilRun.Options o = HilRun.Options.of(env, episodes, seed, rate).withTrigger(t).withWarmup(warmup)
                .withEmbeddedBroker(EmbeddedBroker.Impl.parse("--embedded-broker", embeddedBroker));
        if (broker != null) {
            o = o.withBroker(broker);
        }
        System.out.printf(Locale.ROOT, "actuate demo: policy %s%s%n", Policies.describe(m, controller, env), note);
        System.out.printf(Locale.ROOT, "%d episodes from seed %d, robot lock-stepped, loop trigger %s (deadline %.0f Hz)%n",
                episodes, seed, t.label(), rate);
        if (warmup > 0) {
            System.out.printf(Locale.ROOT, "warm-up: %d episode%s over MQTT first, not measured (JIT compilation, connections)%n",
                    warmup, warmup == 1 ? "" : "s");
        }
        HilRun.Report r = HilRun.run(o, () -> Policies.resolve(m, controller, Envs.make(env), seed));

        System.out.println("broker: " + r.broker());
        System.out.println("episode  seed      MQTT return   in-process return");
        for (int i = 0; i < Math.max(r.mqttReturns().length, r.inProcessReturns().length); i++) {
            System.out.printf(Locale.ROOT, "%7d %5d %16s %19s%n", i, seed + i, fmt(r.mqttReturns(), i), fmt(r.inProcessReturns(), i));
        }
        System.out.printf(Locale.ROOT, "mean return: MQTT %.3f, in-process %.3f (max episode difference %.2e)%n",
                r.mqttMeanReturn(), r.inProcessMeanReturn(), r.maxReturnDifference());
        System.out.printf(Locale.ROOT, "round trip (state sent -> command received, robot clock): p50 %.3f ms, p99 %.3f ms,"
                        + " p99.9 %.3f ms, max %.3f ms (n=%d)%n",
                r.roundTrip().p50Ms(), r.roundTrip().p99Ms(), r.roundTrip().p999Ms(), r.roundTrip().maxMs(), r.roundTrip().count());
        System.out.printf(Locale.ROOT, "slowest round trips (%d GC pauses during the run):%n", r.gcPauses());
        for (StallProbe.SlowCycle c : r.slowest()) {
            System.out.println("  " + c);
        }
        System.out.printf(Locale.ROOT, "control loop (%s trigger): %d cycles in %.2f s (%.0f Hz achieved, deadline %.0f Hz), %d overruns, %d missed deadlines%n",
                r.trigger().label(), r.cycles(), r.elapsedSeconds(), r.achievedRateHz(), r.rateHz(), r.overruns(),
                r.missedDeadlines());
        System.out.println("  missed deadlines: cycles the loop could not run on time (overrun skips, or no state within"
                + " 1.5 periods with the state trigger); 0 means every state was answered within its deadline.");
        System.out.println("safety events: " + safetyLine(r.safetyEvents()));
        long waiting = r.safetyEvents().getOrDefault(SafetyEvent.AWAITING_STATE, 0L);
        if (waiting > 0) {
            System.out.printf(Locale.ROOT, "  before the robot's first state: %d cycles held the safe action (the loop starts"
                    + " before the robot connects; not a fault)%n", waiting);
        }
        System.out.println("  safety events: cycles where the safety layer sent the safe action (e-stop, link down, stale"
                + " or NaN state, NaN action) or shaped the command (clip, rate limit); none means the policy's actions went out unchanged.");
        r.metrics().print(System.out);
        if (json) {
            System.out.println(json(r, Policies.label(m, controller)));
        }
        return 0;
    }

    static final String DEFAULT_ENV = "LunarLanderContinuous-v3";

    /** Where a clone ships the trained PPO model for {@code env}, relative to its root. */
    static Path shippedModel(String env) {
        return Path.of("models", "ppo-" + env + ".actuate");
    }

    private static String fmt(double[] x, int i) {
        return i < x.length ? String.format(Locale.ROOT, "%.3f", x[i]) : "-";
    }

    private static String safetyLine(Map<SafetyEvent, Long> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach((e, n) -> {
            if (n > 0 && e != SafetyEvent.AWAITING_STATE) {
                sb.append(sb.length() == 0 ? "" : " ").append(e).append('=').append(n);
            }
        });
        return sb.length() == 0 ? "none" : sb.toString();
    }

    static String json(HilRun.Report r, String policy) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("env", r.envId());
        n.put("policy", policy);
        n.put("trigger", r.trigger().label());
        n.put("mqtt_mean_return", r.mqttMeanReturn());
        n.put("inprocess_mean_return", r.inProcessMeanReturn());
        n.put("round_trip_p50_ms", r.roundTrip().p50Ms());
        n.put("round_trip_p99_ms", r.roundTrip().p99Ms());
        n.put("round_trip_p999_ms", r.roundTrip().p999Ms());
        n.put("round_trip_max_ms", r.roundTrip().maxMs());
        n.put("missed_deadlines", r.missedDeadlines());
        n.put("rate_hz", r.rateHz());
        n.put("achieved_rate_hz", r.achievedRateHz());
        n.put("overruns", r.overruns());
        n.put("episodes", r.mqttReturns().length);
        n.put("max_return_difference", r.maxReturnDifference());
        // Only kinds that fired; the safe action held before the robot's first state is not a safety event.
        ObjectNode safety = n.putObject("safety_events");
        r.safetyEvents().forEach((e, c) -> {
            if (c > 0 && e != SafetyEvent.AWAITING_STATE) {
                safety.put(e.name().toLowerCase(Locale.ROOT), c);
            }
        });
        n.put("awaiting_state_cycles", r.safetyEvents().getOrDefault(SafetyEvent.AWAITING_STATE, 0L));
        n.put("warmup_episodes", r.warmupEpisodes());
        n.put("gc_pauses", r.gcPauses());
        var slow = n.putArray("slowest_round_trips");
        for (StallProbe.SlowCycle c : r.slowest()) {
            slow.addObject().put("ms", c.ms()).put("at_s", c.atSeconds()).put("cause", c.cause()).put("detail", c.detail());
        }
        n.putPOJO("mqtt_returns", r.mqttReturns());
        n.putPOJO("inprocess_returns", r.inProcessReturns());
        return n.toString();
    }
}
