package dev.actuate.algo;

import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.wrappers.SimToReal;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code sim_to_real:} block from config file to training envs, checkpoints and the policy file. */
class SimToRealTrainingTest {
    static final String PENDULUM = "Pendulum-v1";
    static final SimToReal AIDS = new SimToReal(1, 1, List.of(0.01), 2, List.of(0.5));

    private static <R extends Record> R load(Path file, R defaults, String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ConfigYaml.load(file, defaults);
    }

    @Test
    void configBlockBindsValidatesAndRoundTripsThroughTheResolvedYaml(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sac.yaml");
        Files.writeString(f, "n_timesteps: 1000\nsim_to_real:\n  action_delay: 1\n  observation_noise: 0.05\n"
                + "  previous_actions: 2\n");
        SacConfig c = ConfigYaml.load(f, SacConfig.defaults());
        assertThat(c.simToReal()).isEqualTo(new SimToReal(1, 0, List.of(0.05), 2, List.of()));
        assertThat(load(dir.resolve("none.yaml"), SacConfig.defaults(), "n_timesteps: 5\n").simToReal())
                .isEqualTo(SimToReal.NONE);
        // The run directory's config.yaml reads back to the same record, for every algorithm.
        Path back = dir.resolve("back.yaml");
        Files.writeString(back, ConfigYaml.toYaml(c));
        assertThat(ConfigYaml.load(back, SacConfig.defaults())).isEqualTo(c);
        PpoConfig p = PpoConfig.defaults().withSimToReal(AIDS);
        Files.writeString(back, ConfigYaml.toYaml(p));
        assertThat(ConfigYaml.load(back, PpoConfig.defaults())).isEqualTo(p);
        Td3Config t = Td3Config.defaults().withSimToReal(AIDS);
        Files.writeString(back, ConfigYaml.toYaml(t));
        assertThat(ConfigYaml.load(back, Td3Config.defaults())).isEqualTo(t);
        DdpgConfig d = DdpgConfig.defaults().withSimToReal(AIDS);
        Files.writeString(back, ConfigYaml.toYaml(d));
        assertThat(ConfigYaml.load(back, DdpgConfig.defaults())).isEqualTo(d);
    }

    @Test
    void badBlocksNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> load(dir.resolve("a.yaml"), SacConfig.defaults(),
                "sim_to_real:\n  action_dealy: 1\n"))
                .hasMessageContaining("a.yaml").hasMessageContaining("unknown key 'sim_to_real.action_dealy'")
                .hasMessageContaining("action_delay");
        assertThatThrownBy(() -> load(dir.resolve("b.yaml"), PpoConfig.defaults(),
                "sim_to_real:\n  observation_delay: -2\n"))
                .hasMessageContaining("b.yaml").hasMessageContaining("sim_to_real: observation_delay must be");
        assertThatThrownBy(() -> load(dir.resolve("c.yaml"), Td3Config.defaults(),
                "sim_to_real:\n  previous_actions: one\n"))
                .hasMessageContaining("c.yaml").hasMessageContaining("key 'sim_to_real.previous_actions'");
        assertThatThrownBy(() -> load(dir.resolve("d.yaml"), DdpgConfig.defaults(), "sim_to_real: 3\n"))
                .hasMessageContaining("d.yaml").hasMessageContaining("key 'sim_to_real': expected a mapping");
        // Checks that need the env name the file too.
        Path e = dir.resolve("e.yaml");
        Files.writeString(e, "sim_to_real:\n  observation_noise: [0.1, 0.1]\n");
        SacConfig c = ConfigYaml.load(e, SacConfig.defaults());
        assertThatThrownBy(() -> Check.simToRealFits(e, PENDULUM, c.simToReal()))
                .hasMessageContaining("e.yaml: sim_to_real: observation_noise has 2 values");
    }

    /**
     * A SAC run with every aid: the resumed run gets them back from the checkpoint, and the policy file records
     * them with the env's control period. Deployed on the bare env (state only), the policy appends its own
     * previous actions and acts exactly as the network does on the training wrapper's observations.
     */
    @Test
    void policyRecordsTheAidsAndRebuildsTheTrainingObservationLayout(@TempDir Path dir) throws Exception {
        SacConfig cfg = SacTest.tiny(200).withSimToReal(AIDS);
        RunDir run = RunDir.open(dir.resolve("run"), false);
        try (Sac sac = new Sac(cfg, PENDULUM, 3)) {
            sac.train(run, null, null);
        }
        try (Sac resumed = Sac.resume(run.checkpoint(), 300L)) {
            assertThat(resumed.config().simToReal()).isEqualTo(AIDS);
        }
        PolicyFile p = PolicyReader.read(run.model());
        assertThat(p.observation().size()).isEqualTo(3 + 2);
        assertThat(p.stateSize()).isEqualTo(3);
        assertThat(p.previousActions()).isEqualTo(2);
        PolicyFile.SimToReal s = p.simToReal();
        assertThat(s.controlPeriodSeconds()).isEqualTo(0.05);
        assertThat(p.trainingRateHz()).isEqualTo(20.0);
        assertThat(s.actionDelaySteps()).isEqualTo(1);
        assertThat(s.observationDelaySteps()).isEqualTo(1);
        assertThat(s.observationNoiseStd()).containsExactly(0.01, 0.01, 0.01);
        assertThat(s.initialAction()).containsExactly(0.5);

        // The network alone (no previous actions of its own) on the wrapper's observation ...
        PolicyFile raw = new PolicyFile(p.envId(), p.algorithm(), p.observation(), p.action(), p.layers(),
                p.provenance(), null);
        LoadedModel network = raw.toModel("raw");
        LoadedModel deployed = p.toModel("deployed");
        assertThat(deployed.observationSize()).isEqualTo(3);
        try (Env wrapped = new SimToReal(0, 0, List.of(), 2, List.of(0.5)).wrap(Envs.make(PENDULUM));
             Env bare = Envs.make(PENDULUM)) {
            double[] wo = wrapped.reset(5).observation();
            double[] bo = bare.reset(5).observation();
            deployed.reset();
            double[] a1 = new double[1];
            double[] a2 = new double[1];
            for (int t = 0; t < 60; t++) {
                network.act(wo, a1);
                deployed.act(bo, a2);
                assertThat(a2).as("step %d", t).containsExactly(a1);
                StepResult w = wrapped.step(a1);
                StepResult b = bare.step(a2);
                wo = w.observation();
                bo = b.observation();
            }
        }
        Checkpoint cp = Checkpoint.read(run.checkpoint());
        assertThat(PolicyExport.simToReal(cp)).isEqualTo(AIDS);
    }

    /** Checkpoints replay the episode through the aids, so a resumed run continues bit for bit. */
    @Test
    void resumeWithEveryAidContinuesBitIdentically(@TempDir Path dir) throws Exception {
        SacConfig cfg = SacTest.tiny(300).withSimToReal(AIDS);
        float[] straight;
        try (Sac sac = new Sac(cfg, PENDULUM, 42)) {
            sac.train(null, null, null);
            straight = SacTest.allParams(sac);
        }
        Path file = dir.resolve("checkpoint.actuate");
        try (Sac first = new Sac(cfg, PENDULUM, 42)) {
            first.train(null, null, s -> s.globalStep() < 170);
            first.saveCheckpoint(file);
        }
        try (Sac resumed = Sac.resume(file, null)) {
            resumed.train(null, null, null);
            assertThat(SacTest.allParams(resumed)).containsExactly(straight);
        }
    }
}
