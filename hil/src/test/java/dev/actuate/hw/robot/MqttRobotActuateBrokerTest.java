package dev.actuate.hw.robot;

import dev.actuate.hw.mqtt.EmbeddedBroker;
import org.junit.jupiter.api.BeforeAll;

/** Every {@link MqttRobotTest} over Actuate's own broker, where the clients speak MQTT 5. */
class MqttRobotActuateBrokerTest extends MqttRobotTest {
    /** Hides {@link MqttRobotTest#startBroker()}: JUnit runs only this one. */
    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start("127.0.0.1", 0, null, EmbeddedBroker.Impl.ACTUATE);
    }
}
