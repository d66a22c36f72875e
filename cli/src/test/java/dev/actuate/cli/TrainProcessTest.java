package dev.actuate.cli;

import dev.actuate.io.AtomicFiles;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code actuate train} as a real JVM process: SIGINT checkpoints at the next safe point, kill -9 leaves no
 * lock behind, a second training into the same directory is refused while the first runs, and stale temp
 * files of interrupted writes are removed on resume.
 */
class TrainProcessTest {
    /** Tiny PPO iterations (2 envs x 32 steps) so a run passes several periodic checkpoints in seconds. */
    private static final String TINY = "n_envs: 2\nn_steps: 32\nbatch_size: 32\nn_epochs: 1\nhidden_sizes: [8]\n";
    private static final long WAIT_MILLIS = 180_000; // a bound for a loaded CI machine, not a speed target

    @TempDir
    Path dir;
    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private Process startTrain(Path out, int checkpointEvery) throws IOException {
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, TINY + "checkpoint_every: " + checkpointEvery + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseParallelGC", "-Djava.awt.headless=true",
                "-cp", classpath(), Actuate.class.getName(), "train", "--algo", "ppo", "--env", "Pendulum-v1",
                "--config", cfg.toString(), "--steps", "100000000", "--seed", "5", "--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        child = pb.start();
        return child;
    }

    /** The test class path: Surefire puts it in java.class.path (or surefire.test.class.path). */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        assertThat(cp).as("test class path").contains("classes");
        return cp;
    }

    private String childLog() throws IOException {
        Path log = dir.resolve("child.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (!child.isAlive()) {
                throw new AssertionError("train process exited (" + child.exitValue() + ") before " + what + ":\n"
                        + childLog());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + WAIT_MILLIS / 1000 + " s:\n" + childLog());
            }
            Thread.sleep(50);
        }
    }

    /** The last metrics row's iteration (0 before any). */
    private static long lastIteration(Path out) {
        try {
            List<String> lines = Files.readAllLines(out.resolve(RunDir.METRICS));
            for (int i = lines.size() - 1; i > 0; i--) {
                String first = lines.get(i).split(",", 2)[0];
                if (!first.isBlank()) {
                    return Long.parseLong(first);
                }
            }
            return 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // not written yet, or a row being appended
        }
    }

    private static long field(Path checkpoint, String name) throws IOException {
        return Checkpoint.read(checkpoint).field(name).asLong();
    }

    /** The training steps behind a policy file, from its provenance. */
    static long modelSteps(Path model) throws IOException {
        return dev.actuate.policy.PolicyReader.read(model).provenance().get("global_step").asLong();
    }

    /** Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status); false elsewhere. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    /** Runs the CLI in this JVM, returning exit code and stderr. */
    private static Object[] runHere(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Actuate.run(args);
        } finally {
            System.setErr(old);
        }
        return new Object[] {rc, bytes.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void sigintWritesACheckpointPastTheLastPeriodicOneAndResumeContinuesIt() throws Exception {
        // A test run started in the background of a script (or under nohup) ignores SIGINT, and so does every
        // process it starts: the JVM then installs no handler and the signal never arrives, as with any Unix
        // program. Nothing to test there.
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background), so the child ignores it too");
        Path out = dir.resolve("run");
        int every = 40;
        startTrain(out, every);
        Path cp = out.resolve(RunDir.CHECKPOINT);
        await("periodic checkpoint", () -> Files.exists(cp));
        await("iterations past the periodic checkpoint", () -> lastIteration(out) > every + 3);
        long periodic;
        try {
            periodic = field(cp, "iteration");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(child.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)).as("exited after SIGINT").isTrue();
        String log = childLog();
        assertThat(child.exitValue()).as(log).isEqualTo(130);
        assertThat(log).contains("stopped at step").contains("--resume");

        // The checkpoint is the stop's, at the last iteration logged: past the periodic one.
        long stopIteration = field(cp, "iteration");
        assertThat(stopIteration).as(log).isGreaterThan(periodic).isEqualTo(lastIteration(out));
        long stopStep = field(cp, "global_step");
        assertThat(stopStep).isEqualTo(stopIteration * 64);
        assertThat(Files.list(out).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));

        // --resume continues from it: two more iterations, metrics rows without a gap or a repeat.
        Object[] r = runHere("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(), "--resume",
                "--steps", Long.toString(stopStep + 128), "--quiet");
        assertThat(r[0]).as((String) r[1]).isEqualTo(0);
        assertThat(modelSteps(out.resolve(RunDir.MODEL))).isEqualTo(stopStep + 128);
        List<String> rows = Files.readAllLines(out.resolve(RunDir.METRICS));
        assertThat(rows).hasSize(1 + (int) stopIteration + 2);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i)).startsWith(i + ",");
        }
    }

    @Test
    void aSecondTrainingIsRefusedWithTheHoldersPidAndKill9LeavesNeitherLockNorTempFiles() throws Exception {
        Path out = dir.resolve("run");
        startTrain(out, 5);
        Path cp = out.resolve(RunDir.CHECKPOINT);
        await("periodic checkpoint", () -> Files.exists(cp));

        Object[] second = runHere("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(), "--quiet");
        assertThat(second[0]).isEqualTo(2);
        assertThat((String) second[1]).contains("another training").contains("pid " + child.pid());
        Object[] resume = runHere("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(),
                "--resume", "--quiet");
        assertThat(resume[0]).isEqualTo(2);
        assertThat((String) resume[1]).contains("pid " + child.pid());

        child.destroyForcibly(); // SIGKILL: no hook runs
        assertThat(child.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        // What a kill -9 in the middle of writes leaves (AtomicFiles' temp names), and a file of the user's.
        List<Path> stale = List.of(out.resolve(".checkpoint.actuate123.tmp"),
                out.resolve(".checkpoint.actuate.replay-5000.bin456.tmp"), out.resolve(".config.yaml789.tmp"),
                out.resolve(".curve.png1.tmp"));
        for (Path f : stale) {
            Files.write(f, new byte[1000]);
        }
        Path usersFile = out.resolve("notes.tmp");
        Files.writeString(usersFile, "mine");

        long at = field(cp, "global_step");
        Object[] r = runHere("train", "--algo", "ppo", "--env", "Pendulum-v1", "--out", out.toString(), "--resume",
                "--steps", Long.toString(at + 64), "--quiet");
        assertThat(r[0]).as((String) r[1]).isEqualTo(0);
        for (Path f : stale) {
            assertThat(f).doesNotExist();
            assertThat((String) r[1]).contains("removed " + f);
        }
        assertThat(usersFile).exists();
        assertThat(modelSteps(out.resolve(RunDir.MODEL))).isEqualTo(at + 64);
        assertThat(Files.readString(out.resolve(RunDir.LOCK)).trim()).isEqualTo(
                Long.toString(ProcessHandle.current().pid()));
        assertThat(new File(out.resolve(RunDir.MODEL).toString()).canRead()).isTrue();
    }
}
