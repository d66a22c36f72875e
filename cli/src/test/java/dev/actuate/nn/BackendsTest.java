package dev.actuate.nn;

import dev.actuate.cli.Actuate;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackendsTest {
    @Test
    void parsesNvidiaSmiAndFlagsHopperButNotAmpereOrAda() {
        List<Backends.Gpu> gpus = Backends.parseGpus("8.6, NVIDIA GeForce RTX 3090\n8.9, NVIDIA L4\n\n");
        assertThat(gpus).containsExactly(new Backends.Gpu("NVIDIA GeForce RTX 3090", 8, 6), new Backends.Gpu("NVIDIA L4", 8, 9));
        assertThat(Backends.unsupportedGpuMessage(gpus)).isEmpty();
        List<Backends.Gpu> hopper = Backends.parseGpus("9.0, NVIDIA H100 80GB HBM3\n");
        assertThat(Backends.unsupportedGpuMessage(hopper)).hasValueSatisfying(m ->
                assertThat(m).contains("NVIDIA H100 80GB HBM3 (sm_90)").contains("sm_37..sm_86"));
        assertThat(Backends.unsupportedGpuMessage(Backends.parseGpus("3.5, Tesla K20\n"))).isPresent();
        assertThat(Backends.parseGpus("NVIDIA-SMI has failed because it couldn't communicate\n")).isEmpty();
        assertThat(Backends.unsupportedGpuMessage(List.of())).hasValueSatisfying(m ->
                assertThat(m).contains("no NVIDIA GPU found").contains("without -Pcuda"));
    }

    @Test
    void infoCommandPrintsTheCpuBackendAsJson() {
        assertThat(Backends.cudaBackendOnClasspath()).isFalse();
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        int rc;
        try {
            rc = Actuate.run("info", "--json");
        } finally {
            System.setOut(old);
        }
        assertThat(rc).isZero();
        String[] lines = buf.toString().strip().split("\n");
        String last = lines[lines.length - 1];
        assertThat(last).startsWith("{").contains("\"backend\":\"org.nd4j.linalg.cpu.nativecpu.CpuBackend\"")
                .contains("\"blas_vendor\":\"OPENBLAS\"");
    }
}
