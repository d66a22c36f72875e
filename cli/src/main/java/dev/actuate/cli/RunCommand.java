package dev.actuate.cli;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.sim.SimAdapter;
import dev.actuate.policy.PolicyFile;
import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.Policy;
import dev.actuate.runtime.PolicyEvaluation;
import dev.actuate.hw.mqtt.MqttAdapters;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetyMonitor;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code actuate run}: a policy at a fixed rate against a robot, through the safety layer. With
 * {@code --robot} the robot is reached as its config says (MQTT); without it, {@code --env} runs
 * the simulator in-process (SimAdapter, lock-stepped).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a trained policy (or a built-in controller) against a robot at a fixed rate")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "RUN_DIR|MODEL", description = "Trained model or run directory")
    String model;

    @Option(names = "--controller", paramLabel = "NAME",
            description = "Built-in controller instead of a model: heuristic (default) or zero")
    String controller;

    @Option(names = "--robot", paramLabel = "FILE", description = "Robot config, e.g. configs/robots/lander.yaml")
    Path robot;

    @Option(names = "--env", paramLabel = "ID",
            description = "Env id: the policy's env (default: the robot config's env); without --robot, simulated in-process")
    String envId;

    @Option(names = "--broker", paramLabel = "URL", description = "Override the robot config's broker URL")
    String broker;

    @Option(names = "--duration", paramLabel = "S", description = "Seconds to run (default 10; 0 = until --episodes)")
    double duration = 10;

    @Option(names = "--episodes", paramLabel = "N", description = "Stop after N episodes reported by the robot")
    Integer episodes;

    @Option(names = "--rate", paramLabel = "HZ", description = "Loop rate (default: the robot config's, else 50)")
    Double rate;

    @Option(names = "--seed", description = "Seed of the in-process simulator (episode k uses seed + k)")
    long seed = 0;

    @Option(names = "--trigger", paramLabel = "periodic|state",
            description = "Loop trigger: periodic (own clock, default) or state (robot-clocked: a cycle per arriving state)")
    String trigger = "periodic";

    @Option(names = "--metrics-csv", paramLabel = "FILE", description = "Write the loop metrics as CSV")
    Path metricsCsv;

    @Override
    public Integer call() throws Exception {
        RobotConfig cfg = robot == null ? null : RobotConfigLoader.load(robot);
        if (cfg != null && broker != null) {
            cfg = cfg.withBroker(broker);
        }
        ControlLoop.Trigger t = ControlLoop.Trigger.parse("--trigger", trigger);
        String id = envId != null ? envId : cfg != null && cfg.envId() != null ? cfg.envId()
                : model != null ? ModelControllers.envId(Path.of(model)) : null;
        // A policy file on a robot needs no simulator: its sizes and bounds are in the file, checked against
        // the robot config. The simulator is built only to run in-process or for a built-in controller.
        boolean policyOnRobot = cfg != null && model != null && controller == null;
        if (id == null && !policyOnRobot) {
            throw new IllegalArgumentException("--env is required (the robot config names no env)");
        }
        if (duration <= 0 && episodes == null) {
            throw new IllegalArgumentException("--duration must be positive unless --episodes is given");
        }
        double hz = rate != null ? rate : cfg != null ? cfg.rateHz() : 50;
        Env env = policyOnRobot ? null : Envs.make(id);
        if (model != null && controller == null) {
            String warning = rateWarning(hz, rate != null ? "--rate" : cfg != null ? robot + " (rate_hz)" : "the default",
                    ModelControllers.readPolicy(Path.of(model)));
            if (warning != null) {
                System.err.println(warning);
            }
        }
        Policy policy;
        if (policyOnRobot) {
            PolicyFile p = ModelControllers.readPolicy(Path.of(model));
            p.checkRobot(ModelControllers.resolve(Path.of(model)).toString(), cfg, robot.toString());
            policy = p.toModel(model);
        } else {
            policy = Policies.resolve(model, controller, env);
        }
        HardwareInterface hw = cfg != null ? MqttAdapters.create(cfg) : new SimAdapter(env, seed);
        SafetySettings settings = cfg != null ? SafetySettings.of(cfg)
                : SafetySettings.passThrough(hw.commandSignals(), Math.max(0.1, 5 / hz));
        if (env != null) {
            checkSizes(hw, env);
        }
        SafetyCounters counters = new SafetyCounters();
        ControlLoop.Builder b = ControlLoop.builder(hw, policy, new SafetyLayer(settings, 1 / hz, counters, new EStop()))
                .rateHz(hz).localRoundTrip(cfg == null).trigger(t);
        if (episodes != null) {
            b.maxEpisodes(episodes);
        }
        ControlLoop loop = b.build();
        System.out.printf(Locale.ROOT, "actuate run: %s on %s at %.0f Hz, %s trigger%n", Policies.describe(model, controller, id),
                cfg != null ? cfg.id() + " (" + cfg.broker() + ")" : "in-process " + id, hz, t.label());
        try (hw; SafetyMonitor monitor = new SafetyMonitor(counters, 1000)) {
            hw.configure();
            hw.activate();
            loop.start();
            long deadline = duration > 0 ? System.nanoTime() + (long) (duration * 1e9) : Long.MAX_VALUE;
            while (System.nanoTime() < deadline && !loop.join(50)) {
                // waiting for the duration or the loop's own stop (episodes, adapter failure)
            }
            loop.stop();
            loop.join(5000);
            if (hw.lifecycleState() == dev.actuate.hw.LifecycleState.ACTIVE) {
                hw.deactivate();
            }
        }
        Reports.printLoop(System.out, loop, counters);
        double[] returns = loop.episodes().returns();
        if (returns.length > 0) {
            System.out.printf(Locale.ROOT, "episodes %d, mean return %.2f%n", returns.length, PolicyEvaluation.mean(returns));
        }
        if (metricsCsv != null) {
            loop.metrics().writeCsv(metricsCsv);
            System.out.println("metrics written to " + metricsCsv);
        }
        return loop.stopReason() == ControlLoop.StopReason.ADAPTER_FAILED ? 1 : 0;
    }

    /**
     * A warning when the loop rate differs from the control rate the policy was trained at (its env's step), else
     * null (also when the policy records no rate). A policy's dynamics, and delays counted in steps, hold only at
     * the rate it was trained at.
     */
    static String rateWarning(double loopHz, String loopSource, PolicyFile p) {
        double trained = p.trainingRateHz();
        if (Double.isNaN(trained) || Math.abs(loopHz - trained) <= 1e-6 * trained) {
            return null;
        }
        return String.format(Locale.ROOT, "warning: the loop runs at %s Hz (from %s) but the policy was trained at %s Hz"
                + " (a %s s control period on %s); its behaviour, and any delays counted in control steps, assume %s Hz",
                num(loopHz), loopSource, num(trained), num(p.simToReal().controlPeriodSeconds()), p.envId(), num(trained));
    }

    private static String num(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static void checkSizes(HardwareInterface hw, Env env) {
        if (hw.stateSignals().size() != env.observationSpace().dim()) {
            throw new IllegalArgumentException("robot has " + hw.stateSignals().size() + " state signals but "
                    + env.id() + " observes " + env.observationSpace().dim());
        }
        if (hw.commandSignals().size() != env.actionSpace().dim()) {
            throw new IllegalArgumentException("robot has " + hw.commandSignals().size() + " command signals but "
                    + env.id() + " acts with " + env.actionSpace().dim());
        }
    }
}
