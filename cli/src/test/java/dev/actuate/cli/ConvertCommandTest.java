package dev.actuate.cli;

import dev.actuate.algo.Ppo;
import dev.actuate.algo.PpoConfig;
import dev.actuate.policy.LegacyModelException;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Rng;
import dev.actuate.train.ConfigYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Old training model files: the controller refuses them with a how-to, `actuate convert` turns them into policies. */
class ConvertCommandTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void anOldModelFileConvertsToAPolicyThatActsIdentically() throws Exception {
        PpoConfig cfg = ConfigYaml.bind(Map.of("n_timesteps", 128, "n_envs", 2, "n_steps", 64, "batch_size", 64,
                "n_epochs", 1, "hidden_sizes", List.of(16, 16), "norm_obs", true, "learning_rate", 1e-2),
                PpoConfig.defaults(), "test");
        Path legacy = dir.resolve("old-model.actuate");
        try (Ppo ppo = new Ppo(cfg, "Pendulum-v1", 3)) {
            ppo.train(null, null, null);
            ppo.model().write(legacy); // the training format, which model.actuate used before the policy file
        }
        assertThatThrownBy(() -> PolicyReader.read(legacy)).isInstanceOf(LegacyModelException.class)
                .hasMessageContaining("old-model.actuate").hasMessageContaining("actuate convert");

        Path converted = dir.resolve("policy.actuate");
        int rc = Actuate.run("convert", "--model", legacy.toString(), "--out", converted.toString());
        assertThat(rc).isZero();
        PolicyFile p = PolicyReader.read(converted);
        assertThat(p.envId()).isEqualTo("Pendulum-v1");
        assertThat(p.algorithm()).isEqualTo("ppo");
        assertThat(p.observation().normalization()).isNotNull();
        assertThat(p.action().low()).containsExactly(-2.0);
        assertThat(p.action().high()).containsExactly(2.0);

        LoadedModel fromLegacy = ModelControllers.loadModel(legacy); // the full CLI still reads old files
        LoadedModel fromPolicy = PolicyReader.load(converted);
        Rng rng = new Rng(1);
        float[] obs = new float[3];
        float[] a = new float[1];
        float[] b = new float[1];
        int nonZero = 0;
        for (int k = 0; k < 200; k++) {
            obs[0] = (float) rng.uniform(-1, 1);
            obs[1] = (float) rng.uniform(-1, 1);
            obs[2] = (float) rng.uniform(-8, 8);
            fromLegacy.act(obs, a);
            fromPolicy.act(obs, b);
            assertThat(b[0]).isEqualTo(a[0]);
            nonZero += Math.abs(a[0]) > 1e-3 ? 1 : 0;
        }
        assertThat(nonZero).isGreaterThan(100);
    }

    @Test
    void convertWithARobotRecordsItsSignalsAndChecksSizes() throws Exception {
        Path out = dir.resolve("named.actuate");
        Path model = ROOT.resolve("models/ppo-LunarLanderContinuous-v3.actuate");
        assertThat(Actuate.run("convert", "--model", model.toString(), "--robot",
                ROOT.resolve("configs/robots/lander.yaml").toString(), "--out", out.toString())).isZero();
        assertThat(PolicyReader.read(out).observation().names()).hasSize(8).contains("angle", "leg_left/contact");
        assertThat(PolicyReader.read(out).observation().units()).contains("rad");

        Path small = dir.resolve("seven-states.yaml");
        Files.writeString(small, Files.readString(ROOT.resolve("configs/robots/lander.yaml"))
                .replace("    - {name: leg_right/contact, unit: \"\", min: 0, max: 1}\n", ""));
        String err = captureErr(() -> Actuate.run("convert", "--model", model.toString(), "--robot",
                small.toString(), "--out", dir.resolve("x.actuate").toString()));
        assertThat(err).contains("ppo-LunarLanderContinuous-v3.actuate").contains("'observation.size'")
                .contains("seven-states.yaml");
        assertThat(dir.resolve("x.actuate")).doesNotExist();
    }

    @Test
    void runOnARobotReadsSizesFromThePolicyNotFromASimulator() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens, so the connection is refused
        }
        String lander = Files.readString(ROOT.resolve("configs/robots/lander.yaml"));
        // A robot that names no simulator env: `run` must not need one (a robot naming another env than the
        // policy's is refused, RunCommandTest).
        Path robot = dir.resolve("lander-no-env.yaml");
        Files.writeString(robot, lander.replace("env: LunarLanderContinuous-v3\n", "")
                .replace("tcp://127.0.0.1:1883", "tcp://127.0.0.1:" + port));
        assertThat(Files.readString(robot)).doesNotContain("\nenv:");
        String model = ROOT.resolve("models/ppo-LunarLanderContinuous-v3.actuate").toString();
        String[] out = new String[1];
        String err = captureErr(() -> out[0] = RunCommandTest.capture(() -> Actuate.run("run", "--model", model,
                "--robot", robot.toString(), "--duration", "0.2")));
        assertThat(err + out[0]).doesNotContain("--env is required");
        assertThat(out[0]).contains("actuate run: model");

        // A robot whose signals disagree with the policy is refused before connecting, naming both files.
        Path small = dir.resolve("small.yaml");
        Files.writeString(small, lander.replace("    - {name: leg_right/contact, unit: \"\", min: 0, max: 1}\n", ""));
        String err2 = captureErr(() -> Actuate.run("run", "--model", model, "--robot", small.toString()));
        assertThat(err2).contains("ppo-LunarLanderContinuous-v3.actuate").contains("'observation.size'")
                .contains("small.yaml");
    }

    static String captureErr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
