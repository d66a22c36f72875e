package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.runtime.HilRun;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code actuate demo}: the deployment path end to end on embedded defaults. A policy (a trained
 * model with {@code --model}, else the env's heuristic controller) drives the simulated robot over
 * MQTT (embedded broker, lock-step) through the control loop and safety layer; the report compares
 * the returns with an in-process evaluation of the same policy and seeds.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a policy over MQTT against the simulated robot and compare with in-process evaluation")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--env", paramLabel = "ID", description = "Env the robot simulates (default ${DEFAULT-VALUE})")
    String envId = "LunarLanderContinuous-v3";

    @Option(names = "--model", paramLabel = "RUN_DIR|MODEL", description = "Trained policy (default: the env's heuristic)")
    String model;

    @Option(names = "--controller", paramLabel = "NAME", description = "Built-in controller when no --model: heuristic or zero")
    String controller;

    @Option(names = "--episodes", description = "Episodes (default ${DEFAULT-VALUE})")
    int episodes = 3;

    @Option(names = "--seed", description = "Episode k uses seed + k (default ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--rate", paramLabel = "HZ",
            description = "Control-loop rate; lock-step makes returns independent of it (default ${DEFAULT-VALUE})")
    double rate = 100;

    @Option(names = "--broker", paramLabel = "URL", description = "Use this broker instead of the embedded one")
    String broker;

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Envs.spec(envId); // unknown ids fail here with the list of known ones
        HilRun.Options o = HilRun.Options.of(envId, episodes, seed, rate);
        if (broker != null) {
            o = o.withBroker(broker);
        }
        String policyName = Policies.describe(model, controller == null ? "heuristic" : controller, envId);
        System.out.printf(Locale.ROOT, "actuate demo: %s, %d episodes from seed %d, loop at %.0f Hz, robot lock-stepped%n",
                policyName, episodes, seed, rate);
        HilRun.Report r = HilRun.run(o, () -> Policies.resolve(model, controller, Envs.make(envId)));

        System.out.println("broker: " + r.broker());
        System.out.println("episode  seed      MQTT return   in-process return");
        for (int i = 0; i < Math.max(r.mqttReturns().length, r.inProcessReturns().length); i++) {
            System.out.printf(Locale.ROOT, "%7d %5d %16s %19s%n", i, seed + i, fmt(r.mqttReturns(), i), fmt(r.inProcessReturns(), i));
        }
        System.out.printf(Locale.ROOT, "mean return: MQTT %.3f, in-process %.3f (max episode difference %.2e)%n",
                r.mqttMeanReturn(), r.inProcessMeanReturn(), r.maxReturnDifference());
        System.out.printf(Locale.ROOT, "round trip (state sent -> command received, robot clock): p50 %.3f ms, p99 %.3f ms, max %.3f ms (n=%d)%n",
                r.roundTrip().p50Ms(), r.roundTrip().p99Ms(), r.roundTrip().maxMs(), r.roundTrip().count());
        System.out.printf(Locale.ROOT, "control loop: %d cycles at %.0f Hz, %d overruns, %d missed deadlines%n",
                r.cycles(), r.rateHz(), r.overruns(), r.missedDeadlines());
        System.out.println("safety events: " + safetyLine(r.safetyEvents()));
        r.metrics().print(System.out);
        if (json) {
            System.out.println(json(r));
        }
        return 0;
    }

    private static String fmt(double[] x, int i) {
        return i < x.length ? String.format(Locale.ROOT, "%.3f", x[i]) : "-";
    }

    private static String safetyLine(Map<SafetyEvent, Long> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach((e, n) -> {
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(e).append('=').append(n);
            }
        });
        return sb.length() == 0 ? "none" : sb.toString();
    }

    static String json(HilRun.Report r) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("env", r.envId());
        n.put("mqtt_mean_return", r.mqttMeanReturn());
        n.put("inprocess_mean_return", r.inProcessMeanReturn());
        n.put("round_trip_p50_ms", r.roundTrip().p50Ms());
        n.put("round_trip_p99_ms", r.roundTrip().p99Ms());
        n.put("missed_deadlines", r.missedDeadlines());
        n.put("rate_hz", r.rateHz());
        n.put("overruns", r.overruns());
        n.put("episodes", r.mqttReturns().length);
        n.put("max_return_difference", r.maxReturnDifference());
        ObjectNode safety = n.putObject("safety_events");
        r.safetyEvents().forEach((e, c) -> safety.put(e.name().toLowerCase(Locale.ROOT), c));
        n.putPOJO("mqtt_returns", r.mqttReturns());
        n.putPOJO("inprocess_returns", r.inProcessReturns());
        return n.toString();
    }
}
