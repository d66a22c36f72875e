package dev.actuate.sim.box2d;

import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LunarLanderTest {
    private static final double[] NOOP = {0, 0};
    private static final double W = LunarLander.W;
    private static final double H = LunarLander.H;

    private static double shaping(double[] s) {
        return -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1])
                - 100 * Math.sqrt(s[2] * s[2] + s[3] * s[3])
                - 100 * Math.abs(s[4])
                + 10 * s[6] + 10 * s[7];
    }

    @Test
    void spacesMatchTheReference() {
        LunarLander env = new LunarLander();
        assertThat(env.id()).isEqualTo("LunarLanderContinuous-v3");
        assertThat(env.actionSpace().low()).containsExactly(-1, -1);
        assertThat(env.actionSpace().high()).containsExactly(1, 1);
        float twoPi = (float) (2 * Math.PI);
        assertThat(env.observationSpace().low()).containsExactly(-2.5, -2.5, -10, -10, -twoPi, -10, 0, 0);
        assertThat(env.observationSpace().high()).containsExactly(2.5, 2.5, 10, 10, twoPi, 10, 1, 1);
    }

    @Test
    void landerFallsFreelyUnderGravity() {
        for (double g : new double[] {-10.0, -4.0}) {
            LunarLander env = new LunarLander(new LunarLander.Options(false, 15.0, 1.5, g));
            double[] obs = env.reset(3).observation();
            double y0 = obs[1];
            // Leave two steps for the legs to settle against their joint limits.
            env.step(NOOP);
            env.step(NOOP);
            double prevVy = env.landerVy();
            double sumAccel = 0;
            int n = 25;
            for (int k = 0; k < n; k++) {
                obs = env.step(NOOP).observation();
                double accel = (env.landerVy() - prevVy) * LunarLander.FPS;
                prevVy = env.landerVy();
                // A leg swinging into its joint limit jolts the body for one step (as the
                // reference's legs do), so single steps get 10%; the mean below gets 1%.
                assertThat(accel).as("vertical acceleration, g=%s step %d", g, k).isCloseTo(g, within(0.1 * -g));
                sumAccel += accel;
            }
            assertThat(env.crashed()).isFalse();
            assertThat(env.legContact(0) || env.legContact(1)).isFalse();
            assertThat(sumAccel / n).isCloseTo(g, within(0.01 * -g));
            assertThat(obs[1]).isLessThan(y0);
            assertThat(obs[3]).isLessThan(0);
        }
    }

    @Test
    void doingNothingEndsTheEpisodeWithCrashOrRest() {
        Env env = Envs.make(LunarLander.ID);
        for (long seed = 0; seed < 5; seed++) {
            env.reset(seed);
            StepResult r;
            int steps = 0;
            do {
                r = env.step(NOOP);
                steps++;
            } while (!r.done());
            assertThat(r.terminated()).as("seed %d terminated", seed).isTrue();
            assertThat(r.truncated()).isFalse();
            assertThat(steps).isLessThan(1000);
            assertThat(r.reward()).isIn(-100.0, 100.0);
        }
    }

    @Test
    void resetObservationIsTheLanderNearTheTopAfterOneStep() {
        LunarLander env = new LunarLander();
        double[] obs = env.reset(11).observation();
        double y0 = (H - (LunarLander.HELIPAD_Y + LunarLander.LEG_DOWN / LunarLander.SCALE)) / (H / 2);
        // One step of motion from (W/2, H): at most a few centimetres.
        assertThat(obs[0]).isCloseTo(0.0, within(0.02));
        assertThat(obs[1]).isCloseTo(y0, within(0.02));
        assertThat(obs[6]).isZero();
        assertThat(obs[7]).isZero();
    }

    @Test
    void observationFollowsTheReferenceFormula() {
        LunarLander env = new LunarLander();
        env.reset(5);
        Rng rng = new Rng(99);
        for (int k = 0; k < 60; k++) {
            StepResult r = env.step(new double[] {rng.uniform(-1, 1), rng.uniform(-1, 1)});
            double[] s = r.observation();
            double tol = 1e-6;
            assertThat(s[0]).isCloseTo((env.landerX() - W / 2) / (W / 2), within(tol));
            assertThat(s[1]).isCloseTo((env.landerY() - (LunarLander.HELIPAD_Y + 18 / 30.0)) / (H / 2), within(tol));
            assertThat(s[2]).isCloseTo(env.landerVx() * (W / 2) / 50, within(tol));
            assertThat(s[3]).isCloseTo(env.landerVy() * (H / 2) / 50, within(tol));
            assertThat(s[4]).isCloseTo(env.landerAngle(), within(tol));
            assertThat(s[5]).isCloseTo(20.0 * env.landerOmega() / 50, within(tol));
            assertThat(s[6]).isEqualTo(env.legContact(0) ? 1.0 : 0.0);
            assertThat(s[7]).isEqualTo(env.legContact(1) ? 1.0 : 0.0);
            // float32, as the reference returns it
            for (double v : s) {
                assertThat((double) (float) v).isEqualTo(v);
            }
            if (r.done()) {
                break;
            }
        }
    }

    @Test
    void rewardIsTheShapingDeltaMinusFuel() {
        LunarLander env = new LunarLander();
        double[] prev = env.reset(8).observation();
        double[][] actions = {{0, 0}, {1, 0}, {0.5, 0}, {-1, -0.75}, {0.2, 1}, {-0.3, 0.4}};
        double[] mainPower = {0, 1, 0.75, 0, 0.6, 0};
        double[] sidePower = {0, 0, 0, 0.75, 1, 0};
        for (int k = 0; k < actions.length; k++) {
            StepResult r = env.step(actions[k]);
            assertThat(r.terminated()).isFalse();
            assertThat(env.lastMainPower()).isCloseTo(mainPower[k], within(1e-6));
            assertThat(env.lastSidePower()).isCloseTo(sidePower[k], within(1e-6));
            double expected = shaping(r.observation()) - shaping(prev) - 0.30 * mainPower[k] - 0.03 * sidePower[k];
            // The env shapes on the unrounded state; the observation is float32.
            assertThat(r.reward()).as("reward of step %d", k).isCloseTo(expected, within(1e-3));
            prev = r.observation();
        }
    }

    @Test
    void enginesPushTheWayTheReferenceDoes() {
        LunarLander idle = new LunarLander();
        LunarLander main = new LunarLander();
        LunarLander side = new LunarLander();
        idle.reset(21);
        main.reset(21);
        side.reset(21);
        for (int k = 0; k < 5; k++) {
            idle.step(NOOP);
            main.step(new double[] {1, 0});
            side.step(new double[] {-1, 1});
        }
        // Main engine: up along the hull axis (~13 * 4/30 N s per step against ~5 kg).
        assertThat(main.landerVy()).isGreaterThan(idle.landerVy() + 1.0);
        // Side engine with a positive action pushes towards +x and turns clockwise.
        assertThat(side.landerVx()).isGreaterThan(idle.landerVx());
        assertThat(side.landerOmega()).isLessThan(idle.landerOmega());
        assertThat(side.lastSideDirection()).isEqualTo(1.0);
    }

    @Test
    void windChangesTheTrajectory() {
        LunarLander calm = new LunarLander();
        LunarLander windy = new LunarLander(LunarLander.Options.windy());
        double[] a = calm.reset(4).observation();
        double[] b = windy.reset(4).observation();
        double maxDiff = 0;
        for (int k = 0; k < 30; k++) {
            a = calm.step(NOOP).observation();
            b = windy.step(NOOP).observation();
            maxDiff = Math.max(maxDiff, Math.abs(a[2] - b[2]) + Math.abs(a[5] - b[5]));
        }
        assertThat(maxDiff).isGreaterThan(1e-3);
        // Wind is bounded: at most wind_power newtons on a ~5 kg lander for 30 steps.
        assertThat(Math.abs(calm.landerVx() - windy.landerVx())).isLessThan(15.0 / 4.0 * 30 / 50);
    }

    @Test
    void sameSeedGivesBitIdenticalTrajectories() {
        for (LunarLander.Options o : List.of(LunarLander.Options.DEFAULT, LunarLander.Options.windy())) {
            LunarLander env = new LunarLander(o);
            List<double[]> first = rollout(env, 42, 7);
            rollout(env, 1, 8);
            rollout(env, 2, 9);
            List<double[]> again = rollout(env, 42, 7);
            List<double[]> fresh = rollout(new LunarLander(o), 42, 7);
            assertThat(again).hasSameSizeAs(first);
            for (int i = 0; i < first.size(); i++) {
                assertThat(again.get(i)).as("step %d, same instance", i).isEqualTo(first.get(i));
                assertThat(fresh.get(i)).as("step %d, fresh instance", i).isEqualTo(first.get(i));
            }
        }
    }

    /** Observation and reward of each step (reward appended), random actions from {@code actionSeed}. */
    private static List<double[]> rollout(LunarLander env, long seed, long actionSeed) {
        List<double[]> out = new ArrayList<>();
        Rng actions = new Rng(actionSeed);
        out.add(env.reset(seed).observation());
        for (int k = 0; k < 400; k++) {
            StepResult r = env.step(new double[] {actions.uniform(-1, 1), actions.uniform(-1, 1)});
            double[] row = java.util.Arrays.copyOf(r.observation(), 9);
            row[8] = r.reward();
            out.add(row);
            if (r.done()) {
                break;
            }
        }
        return out;
    }

    @Test
    void observationsStayWithinBoundsUnderRandomActions() {
        LunarLander env = new LunarLander();
        Rng actions = new Rng(3);
        for (long seed = 0; seed < 10; seed++) {
            assertThat(env.observationSpace().contains(env.reset(seed).observation())).isTrue();
            StepResult r;
            do {
                r = env.step(new double[] {actions.uniform(-1, 1), actions.uniform(-1, 1)});
                assertThat(env.observationSpace().contains(r.observation())).isTrue();
            } while (!r.done());
        }
    }

    @Test
    void heuristicLandsInMostSeeds() {
        Env env = Envs.make(LunarLander.ID);
        LunarLanderHeuristic controller = new LunarLanderHeuristic();
        int episodes = 10;
        int landed = 0;
        double total = 0;
        for (long seed = 0; seed < episodes; seed++) {
            double[] obs = env.reset(seed).observation();
            double ret = 0;
            StepResult r;
            do {
                r = env.step(controller.act(obs));
                obs = r.observation();
                ret += r.reward();
            } while (!r.done());
            total += ret;
            if (ret >= 200) {
                landed++;
                assertThat(r.terminated()).isTrue();
                assertThat(r.info().success()).isTrue();
            }
        }
        assertThat(landed).isGreaterThanOrEqualTo(8);
        assertThat(total / episodes).isGreaterThan(240);
    }

    @Test
    void heuristicFollowsTheReferenceLaw() {
        LunarLanderHeuristic h = new LunarLanderHeuristic();
        // In the air: angle target clipped to 0.4, hover target 0.55*|x|.
        double[] s = {0.5, 0.3, 0.4, -0.2, 0.1, 0.05, 0, 0};
        double angleTodo = (0.4 - 0.1) * 0.5 - 0.05;
        double hoverTodo = (0.55 * 0.5 - 0.3) * 0.5 + 0.2 * 0.5;
        assertThat(h.act(s)).containsExactly(new double[] {Math.min(1, hoverTodo * 20 - 1), -1.0}, within(1e-12));
        assertThat(-angleTodo * 20).isLessThan(-1); // so the side command saturates
        // On the ground: no steering, brake the fall only.
        double[] ground = {0.1, 0.0, 0.0, -0.04, 0.2, 0.3, 1, 0};
        assertThat(h.act(ground)).containsExactly(new double[] {0.04 * 0.5 * 20 - 1, 0.0}, within(1e-12));
        assertThatThrownBy(() -> h.act(new double[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 3");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new LunarLander.Options(false, 15, 1.5, 0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gravity");
        assertThatThrownBy(() -> new LunarLander.Options(false, 15, 1.5, -12.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gravity");
        assertThatThrownBy(() -> new LunarLander.Options(true, Double.NaN, 1.5, -10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windPower");
        assertThat(new LunarLander().options()).isEqualTo(new LunarLander.Options(false, 15.0, 1.5, -10.0));
    }

    @Test
    void drawsSkyTerrainLanderAndContactLegs() {
        LunarLander env = new LunarLander();
        env.reset(2);
        for (int k = 0; k < 15; k++) {
            env.step(NOOP); // into the frame: the lander starts at its top edge
        }
        int w = 600;
        int h = 400;
        BufferedImage img = render(env, w, h);
        assertThat(new Color(img.getRGB(5, 5))).isEqualTo(Color.BLACK); // sky
        assertThat(new Color(img.getRGB(300, h - 3))).isEqualTo(Color.WHITE); // ground below the pad
        // The hull's centre, in pixels (SCALE = 30 at 600x400), is drawn in the hull colour.
        int hx = (int) Math.round(env.landerX() * 30);
        int hy = (int) Math.round(h - env.landerY() * 30);
        assertThat(new Color(img.getRGB(hx, hy))).isEqualTo(new Color(128, 102, 230));

        // Land with the heuristic; legs on the ground are drawn in another colour.
        LunarLanderHeuristic ctl = new LunarLanderHeuristic();
        double[] obs = env.reset(2).observation();
        StepResult r;
        do {
            r = env.step(ctl.act(obs));
            obs = r.observation();
        } while (!r.done() && !(env.legContact(0) && env.legContact(1)));
        assertThat(env.legContact(0) && env.legContact(1)).isTrue();
        BufferedImage landed = render(env, w, h);
        int contactColour = new Color(80, 200, 120).getRGB();
        int count = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (landed.getRGB(x, y) == contactColour) {
                    count++;
                }
            }
        }
        assertThat(count).isGreaterThan(20);
    }

    private static BufferedImage render(LunarLander env, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        env.draw(g, w, h);
        g.dispose();
        return img;
    }
}
