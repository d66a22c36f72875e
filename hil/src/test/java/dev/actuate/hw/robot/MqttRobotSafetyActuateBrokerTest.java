package dev.actuate.hw.robot;

import dev.actuate.hw.mqtt.EmbeddedBroker;
import org.junit.jupiter.api.BeforeAll;

/** Every {@link MqttRobotSafetyTest} over Actuate's own broker, where the clients speak MQTT 5. */
class MqttRobotSafetyActuateBrokerTest extends MqttRobotSafetyTest {
    /** Hides {@link MqttRobotSafetyTest#startBroker()}: JUnit runs only this one. */
    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start("127.0.0.1", 0, null, EmbeddedBroker.Impl.ACTUATE);
    }
}
