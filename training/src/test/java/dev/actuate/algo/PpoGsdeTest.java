package dev.actuate.algo;

import dev.actuate.nn.NdArrays;
import dev.actuate.nn.StateDependentNoise;
import dev.actuate.policy.PolicyReader;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** PPO with generalised state-dependent exploration: schedule, config and the deployed policy. */
class PpoGsdeTest {
    @TempDir
    Path dir;

    static PpoConfig gsde() {
        return ConfigYaml.bind(Map.of("use_sde", true, "sde_sample_freq", 4, "log_std_init", -2.0),
                PpoResumeTest.tiny().withTimesteps(256), "test");
    }

    @Test
    void noiseIsRedrawnAtTheRolloutStartAndEverySdeSampleFreqSteps() {
        for (int step = 0; step < 20; step++) {
            assertThat(StateDependentNoise.redraws(step, -1)).as("step %d, freq -1", step).isEqualTo(step == 0);
            assertThat(StateDependentNoise.redraws(step, 4)).as("step %d, freq 4", step).isEqualTo(step % 4 == 0);
            assertThat(StateDependentNoise.redraws(step, 1)).isTrue();
        }
    }

    @Test
    void theLogStdIsALatentByActionMatrixAndTheTrainedModelDeploysAsTheMean() throws Exception {
        PpoConfig cfg = gsde();
        RunDir run = RunDir.open(dir.resolve("run"), false);
        try (Ppo ppo = new Ppo(cfg, "Pendulum-v1", 3)) {
            assertThat(ppo.policy().logStdSize()).isEqualTo(16); // latent 16 x 1 action, full_std
            assertThat(ppo.policy().logStd().toDoubleVector()).containsOnly(-2.0);
            ppo.train(run, null, null);
            // The std parameters moved: the gradient reaches the log-std matrix.
            assertThat(ppo.policy().logStd().toDoubleVector()).isNotEqualTo(new double[16]).doesNotContain(-2.0);

            // The policy file the controller reads is the mean network alone: no noise at deployment.
            LoadedModel deployed = PolicyReader.read(run.model()).toModel(run.model().toString());
            double[][] observations = {{1.0, 0.0, 0.0}, {-0.3, 0.95, 4.2}, {0.7, -0.7, -6.0}};
            for (double[] o : observations) {
                double[] action = new double[1];
                deployed.act(o, action);
                double[] normalized = ppo.observationStatistics() == null ? o
                        : ppo.observationStatistics().normalize(o, Ppo.OBS_EPSILON, cfg.clipObs(), new double[3]);
                INDArray x = Nd4j.create(DataType.FLOAT, 1, 3);
                for (int i = 0; i < 3; i++) {
                    x.putScalar(0, i, (float) normalized[i]);
                }
                double[] mean = new double[1];
                NdArrays.toDoubles(ppo.policy().forward(x), mean);
                assertThat(action[0]).isCloseTo(Math.max(-2, Math.min(2, mean[0])), offset(1e-5));
            }
        }
        assertThat(Checkpoint.read(run.checkpoint()).field("use_sde").asBoolean()).isTrue();
        assertThat(Files.exists(run.model())).isTrue();
    }

    @Test
    void badSdeValuesAreErrorsNamingTheKey() {
        assertThatThrownBy(() -> ConfigYaml.bind(Map.of("sde_sample_freq", 0), PpoConfig.defaults(), "f.yaml"))
                .hasMessageContaining("f.yaml").hasMessageContaining("sde_sample_freq");
        assertThatThrownBy(() -> ConfigYaml.bind(Map.of("use_sde", "yes"), PpoConfig.defaults(), "f.yaml"))
                .hasMessageContaining("use_sde");
    }
}
