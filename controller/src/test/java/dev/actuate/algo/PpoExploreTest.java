package dev.actuate.algo;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import java.nio.file.*;
class PpoExploreTest {
    @Test
    void explore() throws Exception {
        String file = System.getProperty("cfg");
        PpoConfig cfg = ConfigYaml.load(Path.of(file), PpoConfig.defaults());
        Path out = Files.createTempDirectory("ppo-explore");
        long t0 = System.nanoTime();
        try (Ppo p = new Ppo(cfg, System.getProperty("env", "Pendulum-v1"), Long.getLong("seed", 1))) {
            p.train(RunDir.open(out, false), null, null);
        }
        System.out.println("SECONDS " + (System.nanoTime() - t0) / 1e9);
        for (String l : Files.readAllLines(out.resolve("metrics.csv"))) System.out.println("M " + l);
    }
}
