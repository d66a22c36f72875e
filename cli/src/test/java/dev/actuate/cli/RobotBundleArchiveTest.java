package dev.actuate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bundle's {@code .tar.gz}: written atomically, so a failure mid-archive keeps the previous archive. */
class RobotBundleArchiveTest {
    @TempDir
    Path dir;

    @Test
    void failureMidArchiveLeavesThePreviousArchiveIntact() throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle/bin"));
        Files.writeString(bundle.resolve("actuate-controller"), "#!/bin/sh\n");
        Files.writeString(bundle.resolve("README.txt"), "first\n");
        Path archive = dir.resolve("bundle.tar.gz");
        RobotBundle.TarGz.write(dir.resolve("bundle"), archive);
        byte[] first = Files.readAllBytes(archive);
        assertThat(gunzip(first)).contains("bundle/bin/actuate-controller").contains("first\n");
        assertThat(Files.getPosixFilePermissions(archive)).hasSize(4); // rw-r--r--

        // A dangling link sorts after README.txt: its size is read mid-archive, after entries were written.
        Files.writeString(bundle.resolve("README.txt"), "second\n");
        Files.createSymbolicLink(bundle.resolve("zz-dangling"), dir.resolve("missing"));
        assertThatThrownBy(() -> RobotBundle.TarGz.write(dir.resolve("bundle"), archive))
                .isInstanceOf(IOException.class).hasMessageContaining(archive.toString())
                .hasMessageContaining("previous version is left intact");
        assertThat(Files.readAllBytes(archive)).isEqualTo(first);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bundle", "bundle.tar.gz");
        }
    }

    private static String gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
