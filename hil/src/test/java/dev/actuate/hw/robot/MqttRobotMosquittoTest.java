package dev.actuate.hw.robot;

import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("mosquitto")
class MqttRobotMosquittoTest {
    @Test
    void lockStepHilOverMosquittoReturnsEqualInProcessEvaluation() throws Exception {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            MqttRobotTest.assertLockStepMatchesInProcess(broker.url());
        }
    }
}
