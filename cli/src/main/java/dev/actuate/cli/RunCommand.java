package dev.actuate.cli;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.sim.SimAdapter;
import dev.actuate.policy.PolicyFile;
import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.LoopSession;
import dev.actuate.runtime.Policy;
import dev.actuate.runtime.PolicyEvaluation;
import dev.actuate.hw.mqtt.ControllerStatus;
import dev.actuate.hw.mqtt.MappedMqttAdapter;
import dev.actuate.hw.mqtt.MqttAdapters;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.runtime.safety.StateLimits;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.runtime.EnvMatch;
import dev.actuate.runtime.LoadedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code actuate run}: a policy at a fixed rate against a robot, through the safety layer. With
 * {@code --robot} the robot is reached as its config says (MQTT); without it, {@code --env} runs
 * the simulator in-process (SimAdapter, lock-stepped).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a trained policy (or a built-in controller) against a robot at a fixed rate")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "RUN_DIR|MODEL|NAME",
            description = "Trained model or run directory, an .onnx policy, or a shipped agent's name (`actuate zoo`)")
    String model;

    @picocli.CommandLine.Mixin
    OnnxOptions onnx;

    @Option(names = "--controller", paramLabel = "NAME",
            description = "Built-in controller instead of a model: " + BuiltInControllers.HELP + "; default heuristic")
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

    @Option(names = EnvMatch.OVERRIDE_FLAG,
            description = "Run a model trained on another env than the robot config's (refused otherwise; logged)")
    boolean allowEnvMismatch;

    @Spec
    CommandSpec spec;

    @Option(names = "--takeover", description = "Start even while another controller drives this robot, replacing it")
    boolean takeover;

    /** Periods the safe action is held when the run stops (Ctrl-C, SIGTERM, duration or episodes reached). */
    static final int STOP_HOLD_CYCLES = 5;

    @Override
    public Integer call() throws Exception {
        checkArguments(spec.commandLine(), rate, duration, episodes);
        RobotConfig cfg = robot == null ? null : RobotConfigLoader.load(robot);
        if (cfg != null && broker != null) {
            cfg = cfg.withBroker(broker);
        }
        ControlLoop.Trigger t = ControlLoop.Trigger.parse("--trigger", trigger);
        String id = envId != null ? envId : cfg != null && cfg.envId() != null ? cfg.envId()
                : model == null ? null
                : OnnxOptions.isOnnx(Path.of(model)) ? OnnxOptions.envId(Path.of(model)) : ModelControllers.envId(Path.of(model));
        // A policy file on a robot needs no simulator: its sizes and bounds are in the file, checked against
        // the robot config. The simulator is built only to run in-process or for a built-in controller.
        boolean policyOnRobot = cfg != null && model != null && controller == null && !OnnxOptions.isOnnx(Path.of(model));
        if (id == null && !policyOnRobot) {
            throw new IllegalArgumentException(robot != null ? "--env is required (robot config " + robot
                    + " names no env)" : "--env is required (or --model or --robot, whose env is used)");
        }
        if (duration <= 0 && episodes == null) {
            throw new IllegalArgumentException("--duration must be positive unless --episodes is given");
        }
        double hz = rate != null ? rate : cfg != null ? cfg.rateHz() : 50;
        Env env = policyOnRobot ? null : Envs.make(id);
        if (model != null && controller == null && !OnnxOptions.isOnnx(Path.of(model))) {
            String warning = ModelControllers.readPolicy(Path.of(model))
                    .rateWarning(hz, rate != null ? "--rate" : cfg != null ? robot + " (rate_hz)" : "the default");
            if (warning != null) {
                System.err.println(warning);
            }
        }
        Policy policy;
        if (policyOnRobot) {
            PolicyFile p = ModelControllers.readPolicy(Path.of(model));
            String modelFile = ModelControllers.resolve(Path.of(model)).toString();
            String warning = EnvMatch.check(p.envId(), modelFile, cfg.envId(), robot.toString(), allowEnvMismatch);
            if (warning != null) {
                System.err.println("actuate run: WARNING: " + warning);
            }
            p.checkRobot(modelFile, cfg, robot.toString());
            policy = p.toModel(model);
        } else {
            policy = OnnxOptions.isOnnx(model == null ? null : Path.of(model)) && controller == null
                    ? onnx.load(Path.of(model), env.observationSpace(),
                            cfg != null ? commandBounds(cfg, false) : env.actionSpace().low(),
                            cfg != null ? commandBounds(cfg, true) : env.actionSpace().high())
                    : Policies.resolve(model, controller, env, seed);
            if (policy instanceof LoadedModel m) {
                String warning = cfg != null
                        ? EnvMatch.check(m.envId(), m.source(), cfg.envId(), robot.toString(), allowEnvMismatch)
                        : EnvMatch.check(m.envId(), m.source(), id, "in-process " + id, allowEnvMismatch);
                if (warning != null) {
                    System.err.println("actuate run: WARNING: " + warning);
                }
            }
        }
        HardwareInterface hw = cfg != null ? MqttAdapters.create(cfg) : new SimAdapter(env, seed);
        if (hw instanceof NativeMqttAdapter n) {
            n.takeover(takeover);
        }
        SafetySettings settings = cfg != null ? SafetySettings.of(cfg)
                : SafetySettings.passThrough(hw.commandSignals(), Math.max(0.1, 5 / hz));
        if (env != null) {
            checkSizes(hw, env);
        }
        SafetyCounters counters = new SafetyCounters();
        StateLimits limits = cfg != null ? StateLimits.of(cfg.stateSignals()) : null;
        ControlLoop.Builder b = ControlLoop.builder(hw, policy, new SafetyLayer(settings, 1 / hz, counters, new EStop(), limits))
                .rateHz(hz).localRoundTrip(cfg == null).trigger(t).stopHoldCycles(STOP_HOLD_CYCLES);
        if (episodes != null) {
            b.maxEpisodes(episodes);
        }
        ControlLoop loop = b.build();
        System.out.printf(Locale.ROOT, "actuate run: %s on %s at %.0f Hz, %s trigger%n", Policies.describe(model, controller, id),
                cfg != null ? cfg.id() + " (" + cfg.broker() + ")" : "in-process " + id, hz, t.label());
        // Ctrl-C / SIGTERM: stop the loop (which then holds the safe action), and let this thread
        // deactivate (status offline), report and write the metrics before the JVM exits.
        CountDownLatch reported = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            System.out.println("actuate run: stopping on signal: safe action for " + STOP_HOLD_CYCLES + " periods");
            loop.stop();
            try {
                reported.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "actuate-run-shutdown");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            LoopSession.run(hw, loop, counters, duration);
            Reports.printLoop(System.out, loop, counters);
            LoopSession.printLink(System.out, hw);
            double[] returns = loop.episodes().returns();
            if (returns.length > 0) {
                System.out.printf(Locale.ROOT, "episodes %d, mean return %.2f, returns %s%n", returns.length,
                        PolicyEvaluation.mean(returns), Reports.returns(returns));
            }
            if (metricsCsv != null) {
                loop.metrics().writeCsv(metricsCsv);
                System.out.println("metrics written to " + metricsCsv);
            }
        } finally {
            System.out.flush();
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the signal hook is running and now returns
            }
        }
        return loop.stopReason() == ControlLoop.StopReason.ADAPTER_FAILED ? 1 : 0;
    }

    /** An ONNX policy's action bounds on a robot: its command signals' limits. */
    private static double[] commandBounds(RobotConfig cfg, boolean high) {
        return cfg.commandSignals().stream().mapToDouble(s -> high ? s.max() : s.min()).toArray();
    }

    /** Rejects flag values the loop cannot honour, naming the flag (exit 2, as picocli's own parse errors). */
    static void checkArguments(CommandLine cl, Double rate, double duration, Integer episodes) {
        if (rate != null && !(rate > 0 && rate <= MAX_RATE_HZ)) {
            throw new CommandLine.ParameterException(cl, "--rate must be a positive number of Hz up to " + MAX_RATE_HZ
                    + ", got " + rate);
        }
        if (!(duration >= 0 && duration <= MAX_DURATION_S)) {
            throw new CommandLine.ParameterException(cl, "--duration must be between 0 and " + MAX_DURATION_S
                    + " seconds (0: until --episodes), got " + duration);
        }
        if (episodes != null && episodes < 1) {
            throw new CommandLine.ParameterException(cl, "--episodes must be at least 1, got " + episodes);
        }
    }

    /** A period of 1 microsecond; beyond that the loop's clock cannot keep time. */
    static final double MAX_RATE_HZ = 1e6;
    /** About 3 years, far below where seconds to nanoseconds overflows a long. */
    static final double MAX_DURATION_S = 1e8;

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
