package dev.actuate.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.mqtt.MqttAdapters;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.policy.PolicyReader;
import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.runtime.LoopSession;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.runtime.safety.StateLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code actuate-controller run}: the policy file against the robot its YAML describes, at the config's rate,
 * through the safety layer; the same loop and session as {@code actuate run --robot}. The policy's sizes are
 * checked against the robot's signals before connecting.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a policy file against a robot (MQTT) at a fixed rate, behind the safety layer")
final class RunRobotCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "POLICY", description = "Policy file (.actuate)")
    Path model;

    @Option(names = "--robot", required = true, paramLabel = "FILE", description = "Robot config YAML")
    Path robot;

    @Option(names = "--broker", paramLabel = "URL", description = "Override the robot config's broker URL")
    String broker;

    @Option(names = "--duration", paramLabel = "S", description = "Seconds to run (default: until stopped; 0 = until --episodes or Ctrl-C)")
    double duration = 0;

    @Option(names = "--episodes", paramLabel = "N", description = "Stop after N episodes reported by the robot")
    Integer episodes;

    @Option(names = "--rate", paramLabel = "HZ", description = "Loop rate (default: the robot config's)")
    Double rate;

    @Option(names = "--trigger", paramLabel = "periodic|state",
            description = "Loop trigger: periodic (own clock, default) or state (robot-clocked: a cycle per arriving state)")
    String trigger = "periodic";

    @Option(names = "--metrics-csv", paramLabel = "FILE", description = "Write the loop metrics as CSV")
    Path metricsCsv;

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Option(names = "--takeover", description = "Start even while another controller drives this robot, replacing it")
    boolean takeover;

    /** Periods the safe action is held when the run stops (Ctrl-C, SIGTERM, duration or episodes reached). */
    static final int STOP_HOLD_CYCLES = 5;

    private volatile ControlLoop running;

    /**
     * Ctrl-C or SIGTERM (e.g. systemd stopping the service) stops the loop; the session then deactivates and
     * closes the adapter and the report (and {@code --json}) is printed before the JVM exits.
     */
    @Override
    public Integer call() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            ControlLoop l = running;
            if (l != null) {
                l.stop();
            }
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "actuate-controller-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runUntilStopped();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running
            }
        }
    }

    private int runUntilStopped() throws Exception {
        RobotConfig cfg = RobotConfigLoader.load(robot);
        if (broker != null) {
            cfg = cfg.withBroker(broker);
        }
        LoadedModel policy = PolicyReader.load(model, cfg, robot);
        String rateWarning = PolicyReader.read(model).rateWarning(rate != null ? rate : cfg.rateHz(),
                rate != null ? "--rate" : robot + " (rate_hz)");
        if (rateWarning != null) {
            System.err.println(rateWarning);
        }
        ControlLoop.Trigger t = ControlLoop.Trigger.parse("--trigger", trigger);
        double hz = rate != null ? rate : cfg.rateHz();
        HardwareInterface hw = MqttAdapters.create(cfg);
        if (hw instanceof NativeMqttAdapter n) {
            n.takeover(takeover);
        }
        SafetyCounters counters = new SafetyCounters();
        ControlLoop.Builder b = ControlLoop.builder(hw, policy,
                        new SafetyLayer(SafetySettings.of(cfg), 1 / hz, counters, new EStop(),
                                StateLimits.of(cfg.stateSignals())))
                .rateHz(hz).localRoundTrip(false).trigger(t).stopHoldCycles(STOP_HOLD_CYCLES);
        if (episodes != null) {
            b.maxEpisodes(episodes);
        }
        ControlLoop loop = b.build();
        System.out.printf(Locale.ROOT, "actuate-controller run: %s on %s (%s) at %.0f Hz, %s trigger%n", model,
                cfg.id(), cfg.broker(), hz, t.label());
        running = loop;
        LoopSession.run(hw, loop, counters, duration);
        LoopSession.printReport(System.out, loop, counters);
        LoopSession.printLink(System.out, hw);
        double[] returns = loop.episodes().returns();
        if (returns.length > 0) {
            System.out.printf(Locale.ROOT, "episodes %d, mean return %.2f%n", returns.length, mean(returns));
        }
        if (metricsCsv != null) {
            loop.metrics().writeCsv(metricsCsv);
            System.out.println("metrics written to " + metricsCsv);
        }
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("robot", cfg.id());
            o.put("model", model.toString());
            o.put("episodes", returns.length);
            returns(o, returns);
            o.put("mean_return", returns.length > 0 ? mean(returns) : null);
            o.put("cycles", loop.metrics().cycles());
            o.put("overruns", loop.metrics().overruns());
            o.put("missed_cycles", loop.metrics().missedCycles());
            ObjectNode events = o.putObject("safety_events");
            for (SafetyEvent e : SafetyEvent.values()) {
                events.put(e.name(), counters.get(e));
            }
            o.put("stopped", loop.stopReason().name());
            System.out.println(m.writeValueAsString(o));
        }
        return loop.stopReason() == ControlLoop.StopReason.ADAPTER_FAILED ? 1 : 0;
    }

    private static void returns(ObjectNode o, double[] returns) {
        var a = o.putArray("returns");
        for (double r : returns) {
            a.add(r);
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
