package dev.actuate.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint sample() {
        Checkpoint cp = new Checkpoint();
        cp.header().put("algorithm", "ppo").put("env", "Pendulum-v1").put("rng", Long.MIN_VALUE + 12345);
        cp.put("policy", new float[] {1.5f, -2.25f, Float.MIN_VALUE, Float.NaN});
        cp.put("obs_mean", new double[] {Math.PI, -0.0, Double.MAX_VALUE});
        cp.put("empty", new double[0]);
        return cp;
    }

    @Test
    void roundTripIsExact() throws IOException {
        Path f = dir.resolve("m.actuate");
        sample().write(f);
        Checkpoint back = Checkpoint.read(f);
        assertThat(back.header().get("algorithm").asText()).isEqualTo("ppo");
        assertThat(back.header().get("rng").asLong()).isEqualTo(Long.MIN_VALUE + 12345);
        float[] p = back.floats("policy", 4);
        assertThat(Float.floatToRawIntBits(p[2])).isEqualTo(Float.floatToRawIntBits(Float.MIN_VALUE));
        assertThat(Float.isNaN(p[3])).isTrue();
        assertThat(Arrays.equals(back.doubles("obs_mean", -1), new double[] {Math.PI, -0.0, Double.MAX_VALUE})).isTrue();
        assertThat(back.doubles("empty", 0)).isEmpty();
        assertThat(back.toBytes()).isEqualTo(sample().toBytes());
    }

    @Test
    void missingFileNamesIt() {
        Path f = dir.resolve("missing.actuate");
        assertThatThrownBy(() -> Checkpoint.read(f)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing.actuate").hasMessageContaining("does not exist");
    }

    @Test
    void flippedByteIsDetected() throws IOException {
        byte[] data = sample().toBytes();
        for (int pos : new int[] {12, data.length / 2, data.length - 9}) {
            byte[] bad = data.clone();
            bad[pos] ^= 0x10;
            Path f = dir.resolve("bad" + pos + ".actuate");
            Files.write(f, bad);
            assertThatThrownBy(() -> Checkpoint.read(f)).isInstanceOf(IOException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("corrupt");
        }
    }

    @Test
    void truncatedFileIsDetected() throws IOException {
        byte[] data = sample().toBytes();
        for (int len : new int[] {0, 5, 20, data.length - 1}) {
            Path f = dir.resolve("t" + len + ".actuate");
            Files.write(f, Arrays.copyOf(data, len));
            assertThatThrownBy(() -> Checkpoint.read(f)).isInstanceOf(IOException.class)
                    .hasMessageContaining(f.toString());
        }
    }

    @Test
    void foreignFileAndDirectoryAreRejected() throws IOException {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "this is not a model file at all");
        assertThatThrownBy(() -> Checkpoint.read(f)).hasMessageContaining("not an Actuate");
        assertThatThrownBy(() -> Checkpoint.read(dir)).hasMessageContaining("directory");
    }

    @Test
    void missingArrayOrWrongLengthNamesIt() throws IOException {
        Path f = dir.resolve("m.actuate");
        sample().write(f);
        Checkpoint back = Checkpoint.read(f);
        assertThatThrownBy(() -> back.floats("value", -1)).hasMessageContaining("'value'").hasMessageContaining("m.actuate");
        assertThatThrownBy(() -> back.floats("policy", 5)).hasMessageContaining("has 4 values, expected 5");
        assertThatThrownBy(() -> back.field("seed")).hasMessageContaining("'seed'");
    }

    @Test
    void writeIsAtomicAndLeavesNoTempFiles() throws IOException {
        Path f = dir.resolve("m.actuate");
        sample().write(f);
        sample().write(f);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m.actuate");
        }
    }
}
