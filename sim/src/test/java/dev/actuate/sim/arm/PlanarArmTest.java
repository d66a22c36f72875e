package dev.actuate.sim.arm;

import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Heuristics;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;
import org.jbox2d.common.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PlanarArmTest {
    private static final double DT = PlanarArm.DT;

    @Test
    void spacesAndJointSchema() {
        PlanarArm env = new PlanarArm();
        assertThat(env.actionSpace().dim()).isEqualTo(2);
        assertThat(env.observationSpace().dim()).isEqualTo(8);
        assertThat(PlanarArm.JOINTS).extracting(ArmJoint::name).containsExactly("joint1", "joint2");
        for (int i = 0; i < 8; i++) {
            assertThat(Double.isFinite(env.observationSpace().low(i))).isTrue();
            assertThat(Double.isFinite(env.observationSpace().high(i))).isTrue();
        }
        // Joint-level part of the observation is bounded by the joint spec itself.
        for (int j = 0; j < 2; j++) {
            ArmJoint spec = PlanarArm.JOINTS.get(j);
            assertThat(env.observationSpace().low(j)).isEqualTo(spec.positionMin() - PlanarArm.LIMIT_TOLERANCE);
            assertThat(env.observationSpace().high(2 + j)).isEqualTo(spec.velocityLimit());
        }
        assertThat(Envs.spec(PlanarArm.ID).maxEpisodeSteps()).isEqualTo(PlanarArm.MAX_EPISODE_STEPS);
    }

    @Test
    void forwardKinematicsAnalytic() {
        assertThat(PlanarArm.forwardKinematics(0, 0)).containsExactly(new double[] {1.8, 0}, within(1e-12));
        assertThat(PlanarArm.forwardKinematics(Math.PI / 2, 0)).containsExactly(new double[] {0, 1.8}, within(1e-12));
        assertThat(PlanarArm.forwardKinematics(0, Math.PI / 2)).containsExactly(new double[] {1.0, 0.8}, within(1e-12));
        assertThat(PlanarArm.forwardKinematics(Math.PI, -Math.PI / 2)).containsExactly(new double[] {-1.0, 0.8}, within(1e-12));
    }

    @Test
    void inverseKinematicsInvertsForwardKinematics() {
        Rng rng = new Rng(3);
        for (int i = 0; i < 1000; i++) {
            double q1 = rng.uniform(-Math.PI, Math.PI);
            double q2 = rng.uniform(0.01, PlanarArm.JOINTS.get(1).positionMax()) * (rng.nextDouble() < 0.5 ? -1 : 1);
            double[] p = PlanarArm.forwardKinematics(q1, q2);
            double[] q = PlanarArmHeuristic.inverseKinematics(p[0], p[1], Math.signum(q2));
            assertThat(q[0]).isCloseTo(q1, within(1e-9));
            assertThat(q[1]).isCloseTo(q2, within(1e-9));
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,-1", "-1,1", "-1,-1"})
    void jointsRespectLimitsUnderSaturatedTorques(double a1, double a2) {
        // Without the speculative limit JBox2D overshoots by up to 0.15 rad; Box2D's slop is 2 degrees.
        double tol = Settings.angularSlop;
        for (long seed = 0; seed < 5; seed++) {
            PlanarArm env = new PlanarArm();
            env.reset(seed);
            double[] reached = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
            for (int t = 0; t < 600; t++) {
                // Saturated, and reversed every 150 steps so each limit is hit at full speed.
                double s = (t / 150) % 2 == 0 ? 1 : -1;
                StepResult r = env.step(new double[] {s * a1, s * a2});
                assertThat(env.observationSpace().contains(r.observation())).isTrue();
                for (int j = 0; j < 2; j++) {
                    ArmJoint spec = PlanarArm.JOINTS.get(j);
                    double q = env.jointPosition(j);
                    assertThat(q).as("seed %d step %d %s", seed, t, spec.name())
                            .isBetween(spec.positionMin() - tol, spec.positionMax() + tol);
                    double limit = s * (j == 0 ? a1 : a2) > 0 ? spec.positionMax() : spec.positionMin();
                    reached[j] = Math.min(reached[j], Math.abs(q - limit));
                }
            }
            // The torques really drive each joint onto its limits.
            assertThat(reached[0]).isLessThan(0.01);
            assertThat(reached[1]).isLessThan(0.01);
        }
    }

    @Test
    void forwardKinematicsMatchesBox2dFingertip() {
        for (long seed = 0; seed < 5; seed++) {
            PlanarArm env = new PlanarArm();
            env.reset(seed);
            Controller random = Heuristics.random(env.actionSpace(), seed);
            double[] obs = null;
            // Box2D leaves joint anchors apart by up to its linear slop (5 mm; 1.4 mm seen here).
            double tol = Settings.linearSlop;
            for (int t = 0; t < 200; t++) {
                obs = env.step(random.act(obs)).observation();
                double[] fk = PlanarArm.forwardKinematics(env.jointPosition(0), env.jointPosition(1));
                double[] body = env.bodyFingertip();
                assertThat(fk[0]).isCloseTo(body[0], within(tol));
                assertThat(fk[1]).isCloseTo(body[1], within(tol));
                // The observation's fingertip-to-target vector is the same geometry.
                assertThat(obs[6]).isCloseTo(env.targetX() - body[0], within(tol));
                assertThat(obs[7]).isCloseTo(env.targetY() - body[1], within(tol));
            }
        }
    }

    @Test
    void torqueFromRestGivesTheTwoLinkDynamics() {
        // From rest (no Coriolis, no damping) M(q) qdd = tau - friction * sign(qdd), with M the
        // two-link mass matrix of the boxes: any mistake in how joint torques reach the bodies shows.
        double w = PlanarArm.LINK_WIDTH;
        double m1 = PlanarArm.M1;
        double m2 = PlanarArm.M2;
        double l1 = PlanarArm.L1;
        double i1 = m1 * (l1 * l1 + w * w) / 12;
        double lc2 = PlanarArm.L2 / 2;
        double i2 = m2 * (PlanarArm.L2 * PlanarArm.L2 + w * w) / 12;
        double[][] actions = {{0.5, 0}, {0, 0.5}, {0.7, -0.4}, {-1, 1}};
        for (long seed = 0; seed < 4; seed++) {
            for (double[] a : actions) {
                PlanarArm env = new PlanarArm();
                env.reset(seed);
                double q2 = env.jointPosition(1);
                double c = Math.cos(q2);
                double mA = i1 + m1 * l1 * l1 / 4 + i2 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * c);
                double mB = i2 + m2 * (lc2 * lc2 + l1 * lc2 * c);
                double mC = i2 + m2 * lc2 * lc2;
                double t1 = a[0] * PlanarArm.JOINTS.get(0).torqueLimit();
                double t2 = a[1] * PlanarArm.JOINTS.get(1).torqueLimit();
                double det = mA * mC - mB * mB;
                // Coulomb friction opposes the direction the joint starts to slide in.
                double f1 = PlanarArm.JOINTS.get(0).friction() * Math.signum((mC * t1 - mB * t2) / det);
                double f2 = PlanarArm.JOINTS.get(1).friction() * Math.signum((-mB * t1 + mA * t2) / det);
                double qdd1 = (mC * (t1 - f1) - mB * (t2 - f2)) / det;
                double qdd2 = (-mB * (t1 - f1) + mA * (t2 - f2)) / det;
                env.step(a);
                // Float physics: 0.02% of the larger speed.
                double tol = 2e-4 * Math.max(Math.abs(qdd1), Math.abs(qdd2)) * DT;
                assertThat(env.jointVelocity(0)).isCloseTo(qdd1 * DT, within(tol));
                assertThat(env.jointVelocity(1)).isCloseTo(qdd2 * DT, within(tol));
            }
        }
    }

    @Test
    void zeroTorqueWithoutGravityKeepsTheArmStill() {
        PlanarArm env = new PlanarArm();
        double[] first = env.reset(11).observation();
        double[] obs = first;
        for (int t = 0; t < 300; t++) {
            StepResult r = env.step(new double[] {0, 0});
            obs = r.observation();
            assertThat(r.terminated()).isFalse();
        }
        assertThat(obs[0]).isCloseTo(first[0], within(1e-6));
        assertThat(obs[1]).isCloseTo(first[1], within(1e-6));
        assertThat(Math.abs(env.jointVelocity(0)) + Math.abs(env.jointVelocity(1))).isLessThan(1e-6);
        // Same distance every step: reward is exactly -distance with zero action.
        assertThat(env.step(new double[] {0, 0}).reward()).isCloseTo(-Math.hypot(first[6], first[7]), within(1e-5));
    }

    @Test
    void targetsLieInTheReachableAnnulusWithinShoulderRange() {
        PlanarArm env = new PlanarArm();
        double minR = Double.POSITIVE_INFINITY;
        double maxR = 0;
        for (long seed = 0; seed < 2000; seed++) {
            double[] obs = env.reset(seed).observation();
            double r = Math.hypot(obs[4], obs[5]);
            minR = Math.min(minR, r);
            maxR = Math.max(maxR, r);
            assertThat(r).isBetween(PlanarArm.TARGET_RADIUS_MIN, PlanarArm.TARGET_RADIUS_MAX);
            assertThat(Math.abs(Math.atan2(obs[5], obs[4]))).isLessThanOrEqualTo(PlanarArm.JOINTS.get(0).positionMax());
            // Every target has an IK solution inside the joint limits that lands on it.
            double[] q = PlanarArmHeuristic.nearestSolution(obs[4], obs[5], obs[0], obs[1]);
            assertThat(Math.abs(q[0])).isLessThanOrEqualTo(PlanarArm.JOINTS.get(0).positionMax());
            assertThat(Math.abs(q[1])).isLessThanOrEqualTo(PlanarArm.JOINTS.get(1).positionMax());
            double[] p = PlanarArm.forwardKinematics(q[0], q[1]);
            assertThat(Math.hypot(p[0] - obs[4], p[1] - obs[5])).isLessThan(1e-9);
        }
        // The draw covers the annulus, not one corner of it.
        assertThat(minR).isLessThan(PlanarArm.TARGET_RADIUS_MIN + 0.05);
        assertThat(maxR).isGreaterThan(PlanarArm.TARGET_RADIUS_MAX - 0.02);
    }

    @Test
    void heuristicReachesTargetsAndBeatsTheThresholdWhileRandomDoesNot() {
        int episodes = 40;
        int reached = 0;
        int successSteps = 0;
        double heuristicSum = 0;
        double randomSum = 0;
        for (int i = 0; i < episodes; i++) {
            long seed = 100 + i;
            Env env = Envs.make(PlanarArm.ID);
            Controller heuristic = Heuristics.forEnv(PlanarArm.ID);
            double[] obs = env.reset(seed).observation();
            double ret = 0;
            StepResult r;
            do {
                r = env.step(heuristic.act(obs));
                obs = r.observation();
                ret += r.reward();
                successSteps += r.info().success() ? 1 : 0;
            } while (!r.done());
            assertThat(r.truncated()).isTrue();
            heuristicSum += ret;
            if (Math.hypot(obs[6], obs[7]) < PlanarArm.SUCCESS_RADIUS) {
                reached++;
                assertThat(r.info().success()).isTrue();
            }
            randomSum += rollout(Envs.make(PlanarArm.ID), Heuristics.random(env.actionSpace(), seed), seed);
        }
        assertThat(reached).isGreaterThanOrEqualTo((int) (0.9 * episodes));
        assertThat(successSteps).isGreaterThan(0);
        assertThat(heuristicSum / episodes).isGreaterThan(PlanarArm.REWARD_THRESHOLD);
        assertThat(randomSum / episodes).isLessThan(PlanarArm.REWARD_THRESHOLD);
    }

    @Test
    void sameSeedGivesBitIdenticalTrajectories() {
        List<double[]> a = trajectory(new PlanarArm(), 42);
        List<double[]> b = trajectory(new PlanarArm(), 42);
        assertBitIdentical(a, b);
        // A reused env builds a fresh world: an intervening episode leaves no trace.
        PlanarArm reused = new PlanarArm();
        trajectory(reused, 7);
        assertBitIdentical(a, trajectory(reused, 42));
        List<double[]> other = trajectory(new PlanarArm(), 43);
        assertThat(other.get(0)).isNotEqualTo(a.get(0));
    }

    @Test
    void drawsTheSceneAtAnySize() {
        for (int[] size : new int[][] {{600, 400}, {200, 300}}) {
            PlanarArm env = new PlanarArm();
            env.reset(5);
            env.step(new double[] {1, -1});
            BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            env.draw(g, size[0], size[1]);
            g.dispose();
            // The target is drawn red at its scaled position.
            double s = Math.min(size[0], size[1]) / (2 * (PlanarArm.L1 + PlanarArm.L2 + 0.2));
            int tx = (int) Math.round(size[0] / 2.0 + env.targetX() * s);
            int ty = (int) Math.round(size[1] / 2.0 - env.targetY() * s);
            Color c = new Color(img.getRGB(tx, ty));
            assertThat(c.getRed()).isGreaterThan(150);
            assertThat(c.getGreen()).isLessThan(120);
        }
    }

    private static double rollout(Env env, Controller c, long seed) {
        double[] obs = env.reset(seed).observation();
        double ret = 0;
        StepResult r;
        do {
            r = env.step(c.act(obs));
            obs = r.observation();
            ret += r.reward();
        } while (!r.done());
        return ret;
    }

    /** Observations then rewards of a random-action episode, with the actions from their own seed. */
    private static List<double[]> trajectory(PlanarArm env, long seed) {
        List<double[]> out = new ArrayList<>();
        out.add(env.reset(seed).observation());
        Controller random = Heuristics.random(env.actionSpace(), 1000 + seed);
        double[] obs = out.get(0);
        for (int t = 0; t < 200; t++) {
            // Saturated bursts too, so the limit sub-steps are part of what must repeat.
            double[] a = t % 40 < 10 ? new double[] {1, -1} : random.act(obs);
            StepResult r = env.step(a);
            obs = r.observation();
            out.add(obs);
            out.add(new double[] {r.reward()});
        }
        return out;
    }

    private static void assertBitIdentical(List<double[]> a, List<double[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).length).isEqualTo(b.get(i).length);
            for (int k = 0; k < a.get(i).length; k++) {
                assertThat(Double.doubleToRawLongBits(a.get(i)[k])).as("entry %d[%d]", i, k)
                        .isEqualTo(Double.doubleToRawLongBits(b.get(i)[k]));
            }
        }
    }
}
