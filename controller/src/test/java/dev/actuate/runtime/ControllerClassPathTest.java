package dev.actuate.runtime;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deployable controller's dependency rule, checked from the inside (the build checks it too, with
 * maven-enforcer's bannedDependencies): this module's test class path is a superset of its runtime class
 * path, so nothing banned may be on it, and the classes a robot must never need cannot be loaded.
 */
class ControllerClassPathTest {
    private static final List<String> BANNED_JARS = List.of("nd4j", "javacpp", "openblas", "jbox2d", "moquette",
            "hivemq", "netty", "deeplearning4j", "actuate-sim", "actuate-training", "actuate-hil");

    @Test
    void classPathHoldsNoTrainingSimulatorOrBrokerJars() {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        // The real class path (not only a launcher jar), or the check below would pass vacuously.
        assertThat(entries).anyMatch(e -> e.contains("org.eclipse.paho.client.mqttv3"))
                .anyMatch(e -> e.contains("org.eclipse.paho.mqttv5.client"))
                .anyMatch(e -> e.contains("snakeyaml"));
        for (String entry : entries) {
            String name = new File(entry).getName().toLowerCase(Locale.ROOT);
            assertThat(BANNED_JARS).as("class path entry %s", entry).noneMatch(name::contains);
        }
    }

    @Test
    void bannedClassesAreNotLoadable() {
        for (String cls : Arrays.asList("org.nd4j.linalg.factory.Nd4j", "org.bytedeco.javacpp.Loader",
                "org.bytedeco.openblas.global.openblas", "org.jbox2d.dynamics.World", "io.moquette.broker.Server",
                "dev.actuate.sim.Env", "dev.actuate.nn.Mlp", "dev.actuate.hw.sim.SimAdapter",
                "dev.actuate.hw.mqtt.EmbeddedBroker")) {
            assertThatThrownBy(() -> Class.forName(cls, false, getClass().getClassLoader()))
                    .as(cls).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void runtimeClassesAreLoadable() throws Exception {
        // Guards the test above against a broken class loader: what the controller needs is there.
        for (String cls : List.of("dev.actuate.runtime.ControlLoop", "dev.actuate.nn.infer.FloatMlp",
                "dev.actuate.hw.mqtt.NativeMqttAdapter", "org.eclipse.paho.client.mqttv3.MqttClient",
                "org.HdrHistogram.Histogram")) {
            assertThat(Class.forName(cls, false, getClass().getClassLoader())).isNotNull();
        }
    }
}
