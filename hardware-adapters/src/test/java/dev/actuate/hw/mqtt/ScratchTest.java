package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void run() throws Exception {
        try (MosquittoProcess broker = MosquittoProcess.start();
             MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "probe-rt").subscribe("actuate/r1/command");
             NativeMqttAdapter a = new NativeMqttAdapter(MqttTestSupport.config("r1", broker.url(), PayloadFormat.BINARY, null))) {
            a.configure();
            a.activate();
            Thread.sleep(1000);
            robot.publish("actuate/r1/state", new byte[3]);
            Thread.sleep(1000);
            System.out.println("REJ " + a.rejectedFrames() + " conn " + a.connected());
            System.out.println(broker.logText());
        }
    }
}
