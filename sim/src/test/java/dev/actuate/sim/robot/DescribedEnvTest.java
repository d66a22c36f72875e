package dev.actuate.sim.robot;

import dev.actuate.sim.Envs;
import dev.actuate.sim.StepResult;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The described env's physics against analytic answers, and domain randomisation at reset. */
class DescribedEnvTest {
    private static DescribedEnv env(String yaml) {
        return new DescribedEnv(RobotDescriptionLoader.parse(yaml, RobotDescriptionLoaderTest.FILE));
    }

    private static final String RANDOMISED_SLIDER = RobotDescriptionLoaderTest.SLIDER
            + "randomize:\n  - {param: mass, scale: [0.5, 2.0]}\n  - {param: motor, joints: [slide], scale: [0.5, 1.0]}\n";

    @Test
    void aForceAcceleratesTheBlockAsNewtonAndSemiImplicitEulerSay() {
        DescribedEnv e = env(RobotDescriptionLoaderTest.SLIDER);
        e.reset(0);
        assertThat(e.bodyMass(1)).isCloseTo(2.0, within(1e-6));
        double a = 8.0 / 2.0; // full action = the motor's 8 N on 2 kg
        double dt = 1.0 / 50;
        for (int n = 1; n <= 10; n++) {
            StepResult r = e.step(new double[] {1.0});
            // Box2D integrates v += a dt, then x += v dt: x_n = a dt^2 n(n+1)/2.
            double x = a * dt * dt * n * (n + 1) / 2;
            assertThat(r.observation()[0]).as("x after %d steps", n).isCloseTo(x, within(1e-6));
            assertThat(r.observation()[1]).as("v after %d steps", n).isCloseTo(a * dt * n, within(1e-5));
            assertThat(r.reward()).isCloseTo(-(r.observation()[0] - 1) * (r.observation()[0] - 1), within(1e-12));
            assertThat(e.commanded(0)).isEqualTo(8.0);
        }
        // Actions are clipped to the command signal's limits before scaling.
        e.step(new double[] {5.0});
        assertThat(e.commanded(0)).isEqualTo(8.0);
    }

    @Test
    void aVelocityTargetIsReachedThroughTheMotor() {
        DescribedEnv e = env(RobotDescriptionLoaderTest.SLIDER.replace("type: force}", "type: velocity}")
                .replace("motor: {max_force: 8}", "motor: {max_force: 8, max_speed: 1}"));
        e.reset(0);
        double v = 0;
        for (int t = 0; t < 20; t++) {
            v = e.step(new double[] {0.5}).observation()[1];
            if (t == 0) {
                // The motor's force is capped: 8 N for 0.02 s moves 2 kg by 0.08 m/s, not to 0.5.
                assertThat(v).isCloseTo(0.08, within(1e-5));
            }
        }
        assertThat(v).isCloseTo(0.5, within(1e-5));
    }

    @Test
    void theLimitStopsTheBlockAtTheEndOfTheRail() {
        DescribedEnv e = env(RobotDescriptionLoaderTest.SLIDER);
        e.reset(0);
        double max = 0;
        for (int t = 0; t < 200; t++) {
            max = Math.max(max, e.step(new double[] {1.0}).observation()[0]);
        }
        // 4 m at full force (speed ~ 5.6 m/s at the stop): the speculative limit holds it within 1 cm.
        assertThat(max).isLessThan(4.01).isGreaterThan(3.99);
    }

    @Test
    void randomisationDrawsMassAndMotorStrengthFromTheSeedWithinTheirRanges() {
        DescribedEnv e = env(RANDOMISED_SLIDER);
        double dt = 1.0 / 50;
        Set<Double> masses = new HashSet<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (long seed = 0; seed < 40; seed++) {
            e.reset(seed);
            double m = e.bodyMass(1);
            double f = e.motorFactor(0);
            assertThat(m).isBetween(1.0 - 1e-6, 4.0 + 1e-6);
            assertThat(f).isBetween(0.5, 1.0);
            masses.add(m);
            lo = Math.min(lo, m);
            hi = Math.max(hi, m);
            // The physics uses them: one full-force step gives v = 8 f / m * dt.
            double v = e.step(new double[] {1.0}).observation()[1];
            assertThat(v).isCloseTo(8 * f / m * dt, within(1e-5));
            // Same seed, same draw.
            e.reset(seed);
            assertThat(e.bodyMass(1)).isEqualTo(m);
            assertThat(e.motorFactor(0)).isEqualTo(f);
        }
        assertThat(masses).hasSizeGreaterThan(35);
        assertThat(lo).isLessThan(1.3);
        assertThat(hi).isGreaterThan(3.5);
    }

    @Test
    void lengthRandomisationScalesTheBodyAndTheSitesOnIt() {
        // A 1 m link on a hinge at the origin, pointing at a target 2 m away along x.
        String link = """
                robot: link
                broker: tcp://127.0.0.1:1883
                rate_hz: 50
                signals:
                  state: [{name: dx}]
                  command: [{name: tau, min: -1, max: 1}]
                model:
                  gravity: [0, 0]
                  bodies:
                    - {name: base, fixed: true}
                    - {name: arm, shape: {type: box, size: [1.0, 0.1], center: [0.5, 0]}, DENSITY}
                  joints:
                    - {name: hinge, type: revolute, parent: base, child: arm, anchor: [0, 0], motor: {max_torque: 1}}
                task:
                  observations: [{signal: dx, target: dx}]
                  actions: [{signal: tau, joint: hinge, type: torque}]
                  target: {body: arm, site: [1.0, 0], x: [2, 2], y: [0, 0]}
                  rewards: [{type: alive, weight: 1}]
                  max_episode_steps: 10
                  reward_threshold: 10
                randomize:
                  - {param: length, scale: [0.5, 1.5]}
                """;
        DescribedEnv byMass = env(link.replace("DENSITY", "mass: 1.0"));
        DescribedEnv byDensity = env(link.replace("DENSITY", "density: 10.0"));
        Set<Double> lengths = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            double length = 2 - byMass.reset(seed).observation()[0]; // the fingertip is at the scaled length
            assertThat(length).isBetween(0.5 - 1e-6, 1.5 + 1e-6);
            lengths.add(length);
            // A given mass stays (the density follows the area); a given density scales the mass with the area.
            assertThat(byMass.bodyMass(1)).isCloseTo(1.0, within(1e-5));
            byDensity.reset(seed);
            assertThat(byDensity.bodyMass(1)).isCloseTo(10.0 * 1.0 * 0.1 * length * length, within(1e-4));
        }
        assertThat(lengths).hasSizeGreaterThan(15);
    }

    @Test
    void theCartPoleStartsHangingAndTheUprightTermIsTheCosineOfThePole() {
        try (var e = Envs.make("../configs/robots/cartpole.yaml")) {
            double[] obs = e.reset(3).observation();
            assertThat(obs[2]).as("cos of the pole angle: hanging").isLessThan(-0.99);
            StepResult r = e.step(new double[] {0});
            double x = r.observation()[0];
            double cos = r.observation()[2];
            // upright (weight 1) + pose_error on the cart (weight -0.1) + control (0 here)
            assertThat(r.reward()).isCloseTo(cos - 0.1 * x * x, within(1e-6));
            assertThat(r.info().success()).isFalse();
        }
    }

    @Test
    void theReachBonusAddsItsWeightExactlyWhileTheSiteIsWithinItsRadius() throws Exception {
        // The 3-link arm with the bonus radius set so that it always (10 m) or never (1 nm) holds: same seed
        // and actions, so the same trajectory, and rewards that differ by exactly the weight (1) every step.
        String arm = java.nio.file.Files.readString(java.nio.file.Path.of("../configs/robots/arm3.yaml"));
        assertThat(arm).contains("{type: target_within, radius: 0.05, weight: 1}");
        try (var always = env(arm.replace("radius: 0.05, weight: 1", "radius: 10, weight: 1"));
             var never = env(arm.replace("radius: 0.05, weight: 1", "radius: 1e-9, weight: 1"))) {
            assertThat(always.reset(7).observation()).containsExactly(never.reset(7).observation());
            java.util.Random rng = new java.util.Random(1);
            for (int t = 0; t < 50; t++) {
                double[] a = {rng.nextDouble() * 2 - 1, rng.nextDouble() * 2 - 1, rng.nextDouble() * 2 - 1};
                StepResult ra = always.step(a);
                StepResult rn = never.step(a);
                assertThat(ra.observation()).containsExactly(rn.observation());
                double[] o = rn.observation();
                double d = Math.hypot(o[8], o[9]);
                double ctrl = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
                assertThat(rn.reward()).isCloseTo(-d - 0.01 * ctrl, within(1e-9));
                assertThat(ra.reward() - rn.reward()).isCloseTo(1.0, within(1e-12));
            }
        }
    }

    /** Four loose shapes on the ground, pushed by a driven block on a rail: many contacts at once. */
    static final String PILE = """
            robot: pile
            broker: tcp://127.0.0.1:1883
            rate_hz: 50
            signals:
              state:
                - {name: x, unit: m, min: -10, max: 10}
                - {name: v, unit: m/s, min: -50, max: 50}
                - {name: box/y, unit: m, min: -10, max: 10}
                - {name: ball/angle, unit: rad, min: -100, max: 100}
                - {name: wedge/touching, unit: "1", min: 0, max: 1}
              command:
                - {name: f, min: -1, max: 1}
            model:
              gravity: [0, -9.81]
              bodies:
                - {name: ground, fixed: true, position: [0, -0.1], shape: {type: box, size: [20, 0.2]}, friction: 0.8}
                - {name: pusher, position: [-1, 0.2], shape: {type: box, size: [0.3, 0.4]}, mass: 3}
                - {name: box, position: [0, 0.15], shape: {type: box, size: [0.3, 0.3]}, mass: 1}
                - {name: ball, position: [0.05, 0.5], shape: {type: circle, radius: 0.15}, mass: 0.5}
                - {name: wedge, position: [0.4, 0.15], mass: 1,
                   shape: {type: polygon, vertices: [[-0.15, -0.15], [0.15, -0.15], [0, 0.2]]}}
                - {name: block, position: [0.2, 0.6], shape: {type: box, size: [0.5, 0.1]}, mass: 0.8}
              joints:
                - {name: push, type: prismatic, parent: ground, child: pusher, anchor: [-1, 0.2], axis: [1, 0],
                   limits: [-1, 3], motor: {max_force: 60}}
              sensors:
                - {name: px, type: joint_position, joint: push}
                - {name: pv, type: joint_velocity, joint: push}
                - {name: by, type: body_y, body: box}
                - {name: ba, type: body_angle, body: ball}
                - {name: wc, type: contact, body: wedge}
            task:
              observations:
                - {signal: x, sensor: px}
                - {signal: v, sensor: pv}
                - {signal: box/y, sensor: by}
                - {signal: ball/angle, sensor: ba}
                - {signal: wedge/touching, sensor: wc}
              actions:
                - {signal: f, joint: push, type: force}
              rewards:
                - {type: alive, weight: 1}
                - {type: control, weight: -0.1}
              max_episode_steps: 150
              reward_threshold: 100
              reset:
                bodies:
                  box: {x: [-0.1, 0.1]}
                  ball: {x: [-0.1, 0.1], angle: [-0.5, 0.5]}
                  wedge: {x: [-0.2, 0.2]}
                  block: {x: [-0.2, 0.2], y: [0, 0.3], angle: [-0.3, 0.3]}
            """;

    @Test
    void aResetRebuildsTheRobotInItsWorldExactlyAsANewEnvWould() {
        // One env through several episodes (each reset empties its JBox2D world and rebuilds the bodies
        // in it) against a new env per episode: the same episodes, bit for bit, with many contacts at
        // once, whose order in JBox2D's solver follows the broad phase's proxy ids.
        DescribedEnv reused = env(PILE);
        int mostContacts = 0;
        for (long seed = 0; seed < 5; seed++) {
            DescribedEnv fresh = env(PILE);
            assertThat(reused.reset(seed).observation()).as("seed %d reset", seed)
                    .containsExactly(fresh.reset(seed).observation());
            dev.actuate.sim.Rng actions = new dev.actuate.sim.Rng(50 + seed);
            for (int t = 0; t < 150; t++) {
                double[] a = reused.actionSpace().sample(actions);
                StepResult r = reused.step(a);
                StepResult f = fresh.step(a);
                assertThat(r.observation()).as("seed %d step %d", seed, t).containsExactly(f.observation());
                assertThat(r.reward()).isEqualTo(f.reward());
                assertThat(r.terminated()).isEqualTo(f.terminated());
                assertThat(r.info().success()).isEqualTo(f.info().success());
                assertThat(reused.contactCount()).isEqualTo(fresh.contactCount());
                mostContacts = Math.max(mostContacts, reused.contactCount());
            }
        }
        assertThat(mostContacts).as("contacts at once").isGreaterThanOrEqualTo(4);
    }
}
