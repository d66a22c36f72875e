package dev.actuate.onnx;

import dev.actuate.nn.Activation;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.runtime.LoadedModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Exported graphs, run by ONNX Runtime and by Actuate's own importer, give the loaded model's actions.
 * Models are built directly here (every output map, normalisation on and off, 2 actions with uneven
 * bounds); {@code dev.actuate.cli.OnnxCliTest} does the same for models trained by each algorithm.
 */
class OnnxExportTest {
    /** A model shaped like each algorithm's: PPO (tanh, normalised, clip), SAC (relu, mean and log-std outputs), TD3/DDPG (tanh actor). */
    static LoadedModel model(LoadedModel.OutputMap map, long seed) {
        int obs = 5;
        int act = 2;
        boolean sac = map == LoadedModel.OutputMap.SQUASH_TO_BOX;
        int[] sizes = {obs, 16, 12, sac ? 2 * act : act};
        int n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        TestRng rng = new TestRng(seed);
        float[] params = new float[n];
        for (int i = 0; i < n; i++) {
            params[i] = (float) rng.uniform(-0.8, 0.8);
        }
        boolean ppo = map == LoadedModel.OutputMap.CLIP;
        FloatMlp net = new FloatMlp(sizes, ppo ? Activation.TANH : Activation.RELU,
                map == LoadedModel.OutputMap.SCALE_TO_BOX ? Activation.TANH : Activation.IDENTITY, params);
        double[] mean = ppo ? new double[] {0.5, -1, 2, 0, 3} : null;
        double[] var = ppo ? new double[] {4, 0.25, 1, 9, 0.01} : null;
        double[] low = {-1, -2};
        double[] high = {0.5, 3};
        return new LoadedModel("Test-v0", "test", net, map, mean, var, 5.0, 1e-8, low, high);
    }

    @ParameterizedTest
    @EnumSource(LoadedModel.OutputMap.class)
    void onnxRuntimeAndTheImporterMatchTheLoadedModel(LoadedModel.OutputMap map) throws Exception {
        LoadedModel m = model(map, 7);
        byte[] bytes = OnnxExport.export(m);
        TestRng rng = new TestRng(11);
        float[][] obs = new float[200][5];
        for (float[] row : obs) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) rng.uniform(-6, 6); // wide enough that the normaliser's clip at 5 acts
            }
        }
        float[][] ort = OrtRunner.run(bytes, OnnxExport.INPUT, OnnxExport.OUTPUT, obs);
        OnnxModel parsed = OnnxCodec.parse(bytes);
        assertThat(parsed.defaultOpset()).isEqualTo(OnnxExport.OPSET);
        assertThat(parsed.metadata()).containsEntry(OnnxExport.ENV_KEY, "Test-v0")
                .containsEntry(OnnxExport.MAPPING_KEY, "none");
        OnnxPolicy imported = new OnnxPolicy(OnnxNetwork.compile(parsed, null, "export"), ActionMapping.NONE, null, null);
        float[] expected = new float[2];
        float[] mine = new float[2];
        int atBound = 0;
        int inside = 0;
        for (int i = 0; i < obs.length; i++) {
            m.act(obs[i], expected);
            imported.act(obs[i], mine);
            for (int j = 0; j < 2; j++) {
                assertThat((double) ort[i][j]).as("%s obs %d action %d, ONNX Runtime", map, i, j)
                        .isCloseTo(expected[j], within(1e-5));
                assertThat((double) mine[j]).as("%s obs %d action %d, imported", map, i, j)
                        .isCloseTo(expected[j], within(1e-5));
                double lo = j == 0 ? -1 : -2;
                double hi = j == 0 ? 0.5 : 3;
                assertThat(expected[j]).isBetween((float) lo, (float) hi);
                if (expected[j] == (float) lo || expected[j] == (float) hi) {
                    atBound++;
                } else {
                    inside++;
                }
            }
        }
        // The weights are large enough that outputs both hit the bounds and land inside them.
        assertThat(inside).as("actions strictly inside the box").isGreaterThan(40);
        if (map == LoadedModel.OutputMap.CLIP) {
            assertThat(atBound).as("clipped actions").isGreaterThan(40);
        }
    }
}
