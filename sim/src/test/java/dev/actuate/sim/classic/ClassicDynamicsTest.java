package dev.actuate.sim.classic;

import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.sim.StepResult;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Pendulum and mountain car against the closed-form update equations of the spec, step by step. */
class ClassicDynamicsTest {
    private static final double G = 10;
    private static final double DT = 0.05;

    private static double normalize(double x) {
        // angle_normalize(x) = ((x + pi) mod 2pi) - pi, written independently of the env's helper.
        double y = (x + Math.PI) - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI));
        return y - Math.PI;
    }

    @Test
    void angleNormalizeWraps() {
        assertThat(Pendulum.angleNormalize(3 * Math.PI / 2)).isCloseTo(-Math.PI / 2, within(1e-12));
        assertThat(Pendulum.angleNormalize(-3 * Math.PI / 2)).isCloseTo(Math.PI / 2, within(1e-12));
        assertThat(Pendulum.angleNormalize(0.3)).isCloseTo(0.3, within(1e-15));
        assertThat(Pendulum.angleNormalize(0.3 + 8 * Math.PI)).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void pendulumFollowsTheClosedFormIncludingTorqueAndSpeedClipping() {
        Pendulum env = new Pendulum();
        double[] obs = env.reset(3).observation();
        assertThat(env.theta()).isBetween(-Math.PI, Math.PI);
        assertThat(env.thetaDot()).isBetween(-1.0, 1.0);
        assertThat(obs).containsExactly(Math.cos(env.theta()), Math.sin(env.theta()), env.thetaDot());
        double maxSpeed = 0;
        for (int t = 0; t < 150; t++) {
            double th = env.theta();
            double thdot = env.thetaDot();
            // Pump energy at three times the torque limit: exercises both clips.
            double a = thdot >= 0 ? 6.0 : -6.0;
            double u = Math.max(-2, Math.min(2, a));
            double expectedReward = -(normalize(th) * normalize(th) + 0.1 * thdot * thdot + 0.001 * u * u);
            double newThdot = thdot + (3 * G / 2 * Math.sin(th) + 3.0 * u) * DT;
            newThdot = Math.max(-8, Math.min(8, newThdot));
            double newTh = th + newThdot * DT;

            StepResult r = env.step(new double[] {a});
            assertThat(r.reward()).as("reward at step %d", t).isCloseTo(expectedReward, within(1e-12));
            assertThat(env.thetaDot()).isCloseTo(newThdot, within(1e-12));
            assertThat(env.theta()).isCloseTo(newTh, within(1e-12));
            assertThat(r.observation()[0]).isCloseTo(Math.cos(newTh), within(1e-12));
            assertThat(r.observation()[1]).isCloseTo(Math.sin(newTh), within(1e-12));
            assertThat(r.terminated() || r.truncated()).isFalse();
            maxSpeed = Math.max(maxSpeed, Math.abs(env.thetaDot()));
        }
        assertThat(maxSpeed).as("speed clip reached").isEqualTo(8.0);
    }

    @Test
    void mountainCarFollowsTheClosedFormAndStopsAtTheLeftWall() {
        MountainCarContinuous env = new MountainCarContinuous();
        double[] obs = env.reset(4).observation();
        assertThat(obs[0]).isBetween(-0.6, -0.4);
        assertThat(obs[1]).isZero();
        boolean hitWall = false;
        for (int t = 0; t < 200; t++) {
            double x = obs[0];
            double v = obs[1];
            double a = -1.7; // beyond the bound: the force is clipped, the cost is not
            double nv = v + Math.max(-1, Math.min(1, a)) * 0.0015 - 0.0025 * Math.cos(3 * x);
            nv = Math.max(-0.07, Math.min(0.07, nv));
            double nx = Math.max(-1.2, Math.min(0.6, x + nv));
            if (nx == -1.2 && nv < 0) {
                nv = 0;
                hitWall = true;
            }
            StepResult r = env.step(new double[] {a});
            assertThat(r.observation()[0]).as("x at step %d", t).isCloseTo(nx, within(1e-15));
            assertThat(r.observation()[1]).as("v at step %d", t).isCloseTo(nv, within(1e-15));
            assertThat(r.reward()).isCloseTo(-0.1 * a * a, within(1e-15));
            assertThat(r.terminated()).isFalse();
            obs = r.observation();
        }
        assertThat(hitWall).as("the car reached the left wall").isTrue();
    }

    @Test
    void mountainCarGoalTerminatesWithTheBonus() {
        MountainCarContinuous env = new MountainCarContinuous();
        MountainCarHeuristic h = new MountainCarHeuristic();
        double[] obs = env.reset(8).observation();
        StepResult r;
        double[] a;
        int steps = 0;
        do {
            a = h.act(obs);
            r = env.step(a);
            obs = r.observation();
            steps++;
        } while (!r.terminated() && steps < 999);
        assertThat(r.terminated()).isTrue();
        assertThat(obs[0]).isGreaterThanOrEqualTo(0.45);
        assertThat(obs[1]).isGreaterThanOrEqualTo(0.0);
        assertThat(r.reward()).isCloseTo(100 - 0.1 * a[0] * a[0], within(1e-12));
        assertThat(r.info().success()).isTrue();
    }

    @Test
    void pendulumHeuristicSwingsUpAndBalances() {
        Evaluation.Result res = Evaluation.run(Envs.make(Pendulum.ID), new PendulumHeuristic(), 10, 100);
        assertThat(res.meanReturn()).isGreaterThan(-300);
        assertThat(res.lengths()).containsOnly(200);
    }

    @Test
    void mountainCarHeuristicReachesTheGoal() {
        Evaluation.Result res = Evaluation.run(Envs.make(MountainCarContinuous.ID), new MountainCarHeuristic(), 10, 100);
        assertThat(res.terminated()).containsOnly(true);
        assertThat(Arrays.stream(res.returns()).min().orElseThrow()).isGreaterThan(90);
        assertThat(res.successRate(Envs.spec(MountainCarContinuous.ID).rewardThreshold())).isEqualTo(1.0);
    }
}
