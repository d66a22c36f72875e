package dev.actuate.cli;

import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A team's own Java env as a plug-in: the test writes a tiny env and its {@code EnvProvider},
 * compiles them with javax.tools against Actuate's class path, jars them with a
 * {@code META-INF/services} entry, and trains on the env through {@code actuate --plugin}.
 */
class PluginTest {
    private static final String ENV = """
            package tiny;

            import dev.actuate.sim.AbstractEnv;
            import dev.actuate.sim.Box;
            import dev.actuate.sim.StepInfo;
            import dev.actuate.sim.StepResult;

            /** A point on a line driven by its velocity; the reward is minus its squared distance from 0. */
            public final class PointEnv extends AbstractEnv {
                private double x;

                public PointEnv() {
                    super("TinyPoint-v0", Box.uniform(1, -2, 2), Box.uniform(1, -1, 1));
                }

                @Override
                protected double[] doReset() {
                    x = rng.uniform(-1, 1);
                    return new double[] {x};
                }

                @Override
                protected StepResult doStep(double[] action) {
                    x = Math.max(-2, Math.min(2, x + 0.1 * Math.max(-1, Math.min(1, action[0]))));
                    return new StepResult(new double[] {x}, -x * x, false, false, StepInfo.EMPTY);
                }
            }
            """;
    private static final String PROVIDER = """
            package tiny;

            import dev.actuate.sim.EnvProvider;
            import dev.actuate.sim.EnvSpec;
            import java.util.List;

            public final class TinyEnvs implements EnvProvider {
                @Override
                public List<EnvSpec> envs() {
                    return List.of(new EnvSpec("TinyPoint-v0", 20, -1.0, PointEnv::new));
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aPluginJarsEnvTrainsAndEvaluatesThroughTheCommandLine() throws Exception {
        Path jar = buildPluginJar();
        Path run = dir.resolve("run");
        int rc = Actuate.run("--plugin", jar.toString(), "train", "--algo", "sac", "--env", "TinyPoint-v0",
                "--steps", "300", "--seed", "1", "--out", run.toString(), "--quiet");
        assertThat(rc).isZero();
        assertThat(run.resolve("model.actuate")).isRegularFile();
        // Registered for the rest of the process: every command resolves it through Envs.
        try (Env env = Envs.make("TinyPoint-v0")) {
            assertThat(env.unwrapped().getClass().getName()).isEqualTo("tiny.PointEnv");
            assertThat(env.unwrapped().getClass().getClassLoader()).isNotSameAs(Envs.class.getClassLoader());
        }
        String out = RunCommandTest.capture(() -> Actuate.run("eval", "--model", run.resolve("model.actuate").toString(),
                "--episodes", "3", "--json"));
        assertThat(out).contains("\"env\":\"TinyPoint-v0\"").contains("\"mean_length\":20.0");
    }

    @Test
    void aMissingOrEmptyPluginJarIsAClearError() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        int rc;
        Path empty = dir.resolve("empty.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(empty))) {
            j.putNextEntry(new JarEntry("README"));
            j.write("nothing".getBytes(StandardCharsets.UTF_8));
        }
        try {
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            rc = Actuate.run("--plugin", dir.resolve("nope.jar").toString(), "envs");
            assertThat(rc).isEqualTo(2);
            rc = Actuate.run("--plugin", empty.toString(), "envs");
            assertThat(rc).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope.jar does not exist").contains("registers no env");
        assertThat(Plugins.parse("a.jar" + File.pathSeparator + File.pathSeparator + "b.jar"))
                .containsExactly(Path.of("a.jar"), Path.of("b.jar"));
        assertThat(Plugins.parse(null)).isEmpty();
    }

    private Path buildPluginJar() throws IOException {
        Path src = dir.resolve("src/tiny");
        Files.createDirectories(src);
        Files.writeString(src.resolve("PointEnv.java"), ENV);
        Files.writeString(src.resolve("TinyEnvs.java"), PROVIDER);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (javax.tools)").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "--release", "17",
                src.resolve("PointEnv.java").toString(), src.resolve("TinyEnvs.java").toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        Path jar = dir.resolve("tiny-envs.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.actuate.sim.EnvProvider"));
            write(out, "tiny.TinyEnvs\n");
        }
        return jar;
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
