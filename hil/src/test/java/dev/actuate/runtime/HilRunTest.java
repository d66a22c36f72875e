package dev.actuate.runtime;

import dev.actuate.hw.testing.MosquittoProcess;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Heuristics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** HIL over MQTT, lock-stepped, against in-process evaluation of the same policy and seeds. */
class HilRunTest {
    /** A swing-up-ish linear policy: not constant, so a lost or reordered command would change the return. */
    static Policy pendulumPd() {
        return (obs, action) -> action[0] = -2f * obs[1] - 0.5f * obs[2] + 0.3f * obs[0];
    }

    @Test
    void embeddedBrokerReturnsEqualInProcessEvaluation() throws Exception {
        HilRun.Report r = HilRun.run(HilRun.Options.of("Pendulum-v1", 2, 5, 400), HilRunTest::pendulumPd);
        assertThat(r.mqttReturns()).hasSize(2);
        assertThat(r.mqttReturns()).containsExactly(r.inProcessReturns(), within(1e-9));
        assertThat(r.safetyEvents().get(SafetyEvent.NAN_STATE)).isZero();
        // One per step, plus one per terminal state the loop happened to answer (the robot does not wait for it).
        assertThat(r.roundTrip().count()).isBetween(400, 402);
        assertThat(r.robotStepsWithoutFreshCommand()).isZero();
        assertThat(r.trigger()).isEqualTo(ControlLoop.Trigger.STATE);
        // The controller's side (robot state stamp -> command handed to the client): one per command published,
        // at least one per step answered, and never more than the robot's own round trip (same clock here).
        LoopMetrics.Summary ctl = r.metrics().summary("round_trip");
        assertThat(ctl.count()).isGreaterThanOrEqualTo(400);
        assertThat(ctl.p50Micros()).isLessThanOrEqualTo(r.roundTrip().p50Ms() * 1000 + 1);
    }

    @Test
    void warmUpEpisodesAreRunButNotMeasuredAndTheSlowestRoundTripsAreExplained() throws Exception {
        HilRun.Report r = HilRun.run(HilRun.Options.of("Pendulum-v1", 1, 3, 1000).withWarmup(1), HilRunTest::pendulumPd);
        assertThat(r.warmupEpisodes()).isEqualTo(1);
        assertThat(r.mqttReturns()).containsExactly(r.inProcessReturns(), within(1e-9));
        // Only the measured episode's 200 steps (plus its terminal state, if answered) are counted.
        assertThat(r.roundTrip().count()).isBetween(200, 201);
        assertThat(r.roundTrip().p999Ms()).isBetween(r.roundTrip().p99Ms(), r.roundTrip().maxMs());
        assertThat(r.slowest()).hasSize(5);
        assertThat(r.slowest().get(0).ms()).isEqualTo(r.roundTrip().maxMs());
        assertThat(r.slowest()).allSatisfy(c -> assertThat(c.cause()).isIn("GC", "scheduling", "broker"));
    }

    @Test
    void periodicTriggerGivesTheSameReturns() throws Exception {
        HilRun.Report r = HilRun.run(HilRun.Options.of("Pendulum-v1", 1, 8, 1000).withTrigger(ControlLoop.Trigger.PERIODIC),
                HilRunTest::pendulumPd);
        assertThat(r.trigger()).isEqualTo(ControlLoop.Trigger.PERIODIC);
        assertThat(r.mqttReturns()).containsExactly(r.inProcessReturns(), within(1e-9));
    }

    @Test
    @Tag("mosquitto")
    void mosquittoReturnsEqualInProcessEvaluation() throws Exception {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            HilRun.Report r = HilRun.run(HilRun.Options.of("Pendulum-v1", 3, 100, 400).withBroker(broker.url()),
                    HilRunTest::pendulumPd);
            assertThat(r.mqttReturns()).containsExactly(r.inProcessReturns(), within(1e-9));
        }
    }

    @Test
    @Tag("mosquitto")
    void landerHeuristicOverMosquittoMatchesInProcess() throws Exception {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        assumeTrue(landerAvailable(), "LunarLander or its heuristic is not implemented in this build");
        String id = "LunarLanderContinuous-v3";
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            HilRun.Report r = HilRun.run(HilRun.Options.of(id, 2, 0, 500).withBroker(broker.url()),
                    () -> new ControllerPolicy(Heuristics.forEnv(id), 8));
            assertThat(r.mqttReturns()).containsExactly(r.inProcessReturns(), within(1e-6));
        }
    }

    private static boolean landerAvailable() {
        try {
            var env = Envs.make("LunarLanderContinuous-v3");
            Heuristics.forEnv(env.id()).act(env.reset(0).observation());
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }
}
