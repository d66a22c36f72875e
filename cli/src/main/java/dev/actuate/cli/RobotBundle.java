package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.io.AtomicFiles;
import dev.actuate.launcher.ControllerMain;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyWriter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * A robot bundle: everything a robot needs to run one policy, on any Java 17 JVM, any OS and CPU (no natives).
 * <pre>
 *   bin/actuate-controller, bin/actuate-controller.bat   start scripts (java -cp lib/*)
 *   lib/                    the controller jar and exactly its runtime dependencies
 *   policy/NAME.actuate     the policy file (converted if the model was in an older format)
 *   robot/NAME.yaml         the robot config
 *   systemd/actuate-controller@.service   a systemd unit that runs it under real-time scheduling
 *   bundle.json             contents with sizes and SHA-256, the policy's provenance
 *   README.txt              how to run it
 * </pre>
 * The jar list is the controller module's runtime class path, recorded at build time in
 * {@code dev/actuate/launcher/runtime-dependencies.txt}; the jars are taken from this JVM's class path (the
 * {@code actuate} command's {@code lib/}, or the build's repository in tests), and the Actuate modules that
 * are class directories in a development build are jarred.
 */
final class RobotBundle {
    static final String MAIN_CLASS = ControllerMain.class.getName();
    private static final String DEPENDENCY_LIST = "dev/actuate/launcher/runtime-dependencies.txt";
    /** A class in each Actuate module on the controller's class path, to find the module when it is not a jar. */
    private static final Map<String, Class<?>> MODULE_MARKERS = Map.of(
            "actuate-controller", ControllerMain.class,
            "actuate-hardware-adapters", HardwareInterface.class);

    /** What was built. */
    record Result(Path dir, Path archive, long bytes, long archiveBytes, List<String> jars, Path policy, Path robot) {
    }

    private RobotBundle() {
    }

    /**
     * Builds the bundle in {@code out} (which must not exist or be empty): assembled beside it, then renamed.
     *
     * @param archive also write {@code out.tar.gz} (Unix modes kept, so bin/ stays executable)
     */
    static Result build(Path model, Path robotFile, Path out, boolean archive) throws IOException {
        RobotConfig robot = RobotConfigLoader.load(robotFile);
        PolicyFile policy = ModelControllers.readPolicy(model);
        String policySource = ModelControllers.resolve(model).toString();
        policy.checkRobot(policySource, robot, robotFile.toString());
        if (robot.tls() != null && robot.tls().truststore() != null) {
            System.err.println("actuate package: note: the robot's TLS truststore " + robot.tls().truststore()
                    + " is not bundled; install it on the robot where the robot YAML expects it");
        }
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && (!Files.isDirectory(target) || hasEntries(target))) {
            throw new IOException(out + ": exists and is not an empty directory; remove it or choose another --out");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + "-");
        try {
            List<String> jars = copyJars(tmp.resolve("lib"));
            String policyName = policyName(model);
            Path policyPath = tmp.resolve("policy").resolve(policyName);
            Files.createDirectories(policyPath.getParent());
            PolicyWriter.write(policy, policyPath);
            Path robotPath = tmp.resolve("robot").resolve(robotFile.getFileName().toString());
            Files.createDirectories(robotPath.getParent());
            Files.copy(robotFile, robotPath);
            String run = "bin/actuate-controller run --model policy/" + policyName + " --robot robot/"
                    + robotPath.getFileName();
            writeScripts(tmp.resolve("bin"));
            writeUnit(tmp.resolve(UNIT), run, policy, robot);
            writeReadme(tmp.resolve("README.txt"), run, policy, robot);
            writeManifest(tmp, policy, robot, run);
            if (Files.exists(target)) {
                Files.delete(target); // the empty directory
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Path archivePath = null;
            long archiveBytes = 0;
            if (archive) {
                archivePath = target.resolveSibling(target.getFileName() + ".tar.gz");
                TarGz.write(target, archivePath);
                archiveBytes = Files.size(archivePath);
            }
            return new Result(target, archivePath, treeSize(target), archiveBytes, jars,
                    target.resolve("policy").resolve(policyName), target.resolve("robot").resolve(robotPath.getFileName()));
        } finally {
            deleteTree(tmp);
        }
    }

    /** The controller's runtime jars as {@code g:a:type[:classifier]:version} lines of the build-time list. */
    static List<String[]> runtimeDependencies() throws IOException {
        InputStream in = RobotBundle.class.getClassLoader().getResourceAsStream(DEPENDENCY_LIST);
        if (in == null) {
            throw new IOException("this build lacks " + DEPENDENCY_LIST + " (written by the controller module's"
                    + " Maven build at process-test-classes); rebuild with `mvn package`");
        }
        List<String[]> deps = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String coords = line.strip();
                int dash = coords.indexOf(" -- ");
                if (dash >= 0) {
                    coords = coords.substring(0, dash).strip();
                }
                String[] p = coords.split(":");
                if (p.length < 5 || coords.contains(" ")) {
                    continue; // the header line, blank lines
                }
                deps.add(p);
            }
        }
        if (deps.isEmpty()) {
            throw new IOException(DEPENDENCY_LIST + " lists no dependencies");
        }
        return deps;
    }

    /** {@code artifactId-version[-classifier].jar}, the file name in a Maven repository and in {@code lib/}. */
    static String fileName(String[] p) {
        // g:a:type:version:scope or g:a:type:classifier:version:scope
        String artifact = p[1];
        boolean classified = p.length >= 6;
        String version = classified ? p[4] : p[3];
        return artifact + "-" + version + (classified ? "-" + p[3] : "") + ".jar";
    }

    private static List<String> copyJars(Path lib) throws IOException {
        Files.createDirectories(lib);
        Map<String, Path> onClassPath = jarsOnClassPath();
        List<String> deps = new ArrayList<>();
        String version = null;
        for (String[] p : runtimeDependencies()) {
            if (!"jar".equals(p[2])) {
                continue;
            }
            String name = fileName(p);
            deps.add(name);
            if ("dev.actuate".equals(p[0])) {
                version = p.length >= 6 ? p[4] : p[3];
            }
        }
        String controllerJar = "actuate-controller-" + (version != null ? version : "dev") + ".jar";
        List<String> names = new ArrayList<>();
        names.add(controllerJar);
        names.addAll(deps);
        for (String name : names) {
            Path jar = onClassPath.get(name);
            if (jar != null) {
                Files.copy(jar, lib.resolve(name));
                continue;
            }
            String module = name.replaceFirst("-[0-9][^-]*(-SNAPSHOT)?\\.jar$", "");
            Class<?> marker = MODULE_MARKERS.get(module);
            Path classes = marker == null ? null : codeSource(marker);
            if (classes == null) {
                throw new IOException("cannot find " + name + " on this JVM's class path; build with `mvn package`"
                        + " and run scripts/actuate");
            }
            if (Files.isDirectory(classes)) {
                jar(classes, lib.resolve(name), name.equals(controllerJar) ? deps : null);
            } else {
                Files.copy(classes, lib.resolve(name));
            }
        }
        return names;
    }

    /** File name to path of every jar this JVM's class loader sees (also behind a manifest-only class path). */
    private static Map<String, Path> jarsOnClassPath() throws IOException {
        Map<String, Path> jars = new LinkedHashMap<>();
        Enumeration<URL> manifests = RobotBundle.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            String url = manifests.nextElement().toString();
            if (url.startsWith("jar:file:") && url.contains("!/")) {
                try {
                    Path p = Path.of(new java.net.URI(url.substring(4, url.indexOf("!/"))));
                    jars.putIfAbsent(p.getFileName().toString(), p);
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a local file
                }
            }
        }
        return jars;
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return null;
        }
    }

    /** Jars a class directory (a development build), with the launcher's manifest when {@code classPath} is given. */
    private static void jar(Path classes, Path jarFile, List<String> classPath) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            a.put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
            a.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jarFile), mf)) {
            for (Path f : files) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static String policyName(Path model) {
        Path abs = model.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        if (Files.isDirectory(abs)) {
            return name + ".actuate"; // a run directory
        }
        return name.endsWith(".actuate") ? name : name + ".actuate";
    }

    /** The launcher's JVM options: the real-time settings measured in docs/runtime.md, at the controller's heap size. */
    static final String JAVA_OPTS = "-XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch";

    private static void writeScripts(Path bin) throws IOException {
        Files.createDirectories(bin);
        Path sh = bin.resolve("actuate-controller");
        Files.writeString(sh, """
                #!/bin/sh
                # Actuate controller (robot bundle). Usage: bin/actuate-controller run --model POLICY --robot ROBOT.yaml
                # Needs Java 17 or newer: JAVA_HOME, else `java` on the PATH. ACTUATE_JAVA_OPTS replaces the JVM options.
                # Defaults for a real-time loop: ParallelGC, a fixed pre-touched heap (no resizing, no first-touch page faults).
                HERE=$(cd "$(dirname "$0")/.." && pwd)
                if [ -n "$JAVA_HOME" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
                exec "$JAVA" ${ACTUATE_JAVA_OPTS:-%s} -cp "$HERE/lib/*" %s "$@"
                """.formatted(JAVA_OPTS, MAIN_CLASS));
        try {
            Files.setPosixFilePermissions(sh, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; the archive still records the mode
        }
        Files.writeString(bin.resolve("actuate-controller.bat"), """
                @echo off\r
                rem Actuate controller (robot bundle). Usage: bin\\actuate-controller run --model POLICY --robot ROBOT.yaml\r
                set HERE=%%~dp0..\r
                if defined JAVA_HOME (set JAVA="%%JAVA_HOME%%\\bin\\java") else (set JAVA=java)\r
                if not defined ACTUATE_JAVA_OPTS set ACTUATE_JAVA_OPTS=%s\r
                %%JAVA%% %%ACTUATE_JAVA_OPTS%% -cp "%%HERE%%\\lib\\*" %s %%*\r
                """.formatted(JAVA_OPTS, MAIN_CLASS));
    }

    /** The systemd unit, a template whose instance is the bundle's directory name under {@link #INSTALL_ROOT}. */
    static final String UNIT = "systemd/actuate-controller@.service";
    static final String INSTALL_ROOT = "/opt/actuate";
    /** {@code SCHED_FIFO} priority of the unit: the {@code chrt -f 10} measured in docs/runtime.md. */
    static final int RT_PRIORITY = 10;

    /**
     * The unit runs the bundle's {@code run} command with every JVM thread under {@code SCHED_FIFO}, which the
     * launcher cannot set for itself (it needs the privilege systemd has). It does not restart a controller that
     * died: restarting a loop that moves a robot is the operator's decision.
     */
    private static void writeUnit(Path file, String run, PolicyFile p, RobotConfig robot) throws IOException {
        Files.createDirectories(file.getParent());
        String home = INSTALL_ROOT + "/%i";
        Files.writeString(file, """
                # systemd unit for this Actuate robot bundle. With the bundle unpacked at %2$s/BUNDLE (the
                # directory's name is the unit's instance), as root:
                #   cp systemd/actuate-controller@.service /etc/systemd/system/ && systemctl daemon-reload
                #   systemctl start actuate-controller@BUNDLE      (journalctl -u actuate-controller@BUNDLE: its report)
                # Elsewhere than %2$s: edit the two paths below.
                [Unit]
                Description=Actuate controller: %3$s policy for %4$s on robot '%5$s' (bundle %%i)
                Wants=network-online.target
                After=network-online.target

                [Service]
                Type=simple
                WorkingDirectory=%1$s
                ExecStart=%1$s/%6$s
                # Every JVM thread under SCHED_FIFO, as `chrt -f %7$d`: with broker, robot and controller on one
                # 2-core machine this took the round trip's p99.9 from 2.8-3.5 ms to about 1 ms (Actuate's
                # docs/runtime.md). The kernel's RT throttle (950 ms of every second by default) still leaves the
                # rest of the machine CPU time.
                CPUSchedulingPolicy=fifo
                CPUSchedulingPriority=%7$d
                # SIGTERM stops the loop, commands the safe action, deactivates and closes the adapter.
                KillSignal=SIGTERM
                TimeoutStopSec=15
                # A controller that stopped stays stopped until someone starts it: set Restart=on-failure only
                # where restarting the loop unattended is safe for this robot.
                Restart=no
                # Run it as an unprivileged user (systemd applies the scheduling before dropping privileges):
                #User=robot

                [Install]
                WantedBy=multi-user.target
                """.formatted(home, INSTALL_ROOT, p.algorithm(), p.envId(), robot.id(), run, RT_PRIORITY));
    }

    private static void writeReadme(Path file, String run, PolicyFile p, RobotConfig robot) throws IOException {
        Files.writeString(file, """
                Actuate robot bundle: %s on robot '%s'

                Runs on any Java 17+ JVM (any OS and CPU: plain Java, no native libraries). From this directory:

                  %s
                  %s --json --episodes 1       # stop after one episode; JSON summary last
                  bin/actuate-controller check --model policy/%s --robot robot/%s   # fit check, no connection
                  bin/actuate-controller run --help

                The robot YAML names the broker (override with --broker URL), the signals, the rate and the safety
                settings (clip to command limits, rate limit, watchdog, safe action, e-stop). Policy: %s for %s,
                %d observations -> %d actions (%s). bundle.json lists every file with its SHA-256 and the
                policy's provenance.

                As a service: %s runs the same command under real-time scheduling (SCHED_FIFO);
                the file says how to install it.
                """.formatted(p.algorithm(), robot.id(), run, run, runPolicyName(run), runRobotName(run),
                p.algorithm(), p.envId(), p.observation().size(), p.action().size(),
                PolicyFile.mappingName(p.action().mapping()), UNIT));
    }

    private static String runPolicyName(String run) {
        return run.replaceFirst(".*--model policy/(\\S+).*", "$1");
    }

    private static String runRobotName(String run) {
        return run.replaceFirst(".*--robot robot/(\\S+).*", "$1");
    }

    private static void writeManifest(Path dir, PolicyFile p, RobotConfig robot, String run) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("format", "actuate-robot-bundle");
        o.put("created_by", "actuate " + Version.version());
        o.put("run", run);
        o.put("robot", robot.id());
        ObjectNode pol = o.putObject("policy");
        pol.put("format_version", PolicyFile.FORMAT_VERSION);
        pol.put("env", p.envId());
        pol.put("algorithm", p.algorithm());
        pol.set("provenance", p.provenance());
        ArrayNode files = o.putArray("files");
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : all) {
            ObjectNode e = files.addObject();
            e.put("path", dir.relativize(f).toString().replace('\\', '/'));
            e.put("bytes", Files.size(f));
            e.put("sha256", sha256(f));
        }
        Files.writeString(dir.resolve("bundle.json"), m.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    private static String sha256(Path f) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long treeSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            long n = 0;
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                n += Files.size(f);
            }
            return n;
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A minimal ustar writer: regular files and directories, with the Unix modes that matter (bin/ executable). */
    static final class TarGz {
        private TarGz() {
        }

        static void write(Path dir, Path archive) throws IOException {
            AtomicFiles.write(archive, file -> {
                try (OutputStream out = new GZIPOutputStream(file)) { // also closes file; AtomicFiles' own close is then a no-op
                    String root = dir.getFileName().toString();
                    List<Path> all;
                    try (Stream<Path> s = Files.walk(dir)) {
                        all = s.sorted().toList();
                    }
                    for (Path p : all) {
                        String name = root + (p.equals(dir) ? "" : "/" + dir.relativize(p).toString().replace('\\', '/'));
                        if (Files.isDirectory(p)) {
                            header(out, name + "/", 0, 0755, '5');
                        } else {
                            boolean exec = dir.relativize(p).startsWith("bin") && !name.endsWith(".bat");
                            long size = Files.size(p);
                            header(out, name, size, exec ? 0755 : 0644, '0');
                            Files.copy(p, out);
                            out.write(new byte[(int) ((512 - size % 512) % 512)]);
                        }
                    }
                    out.write(new byte[1024]); // two zero blocks end the archive
                }
            });
        }

        private static void header(OutputStream out, String name, long size, int mode, char type) throws IOException {
            byte[] h = new byte[512];
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            String prefix = "";
            if (n.length > 100) { // ustar: split at a '/' into prefix (155) and name (100)
                int cut = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
                prefix = name.substring(0, cut);
                name = name.substring(cut + 1);
                n = name.getBytes(StandardCharsets.UTF_8);
                if (n.length > 100 || prefix.length() > 155) {
                    throw new IOException("path too long for a tar archive: " + prefix + "/" + name);
                }
            }
            System.arraycopy(n, 0, h, 0, n.length);
            octal(h, 100, 8, mode);
            octal(h, 108, 8, 0);
            octal(h, 116, 8, 0);
            octal(h, 124, 12, size);
            octal(h, 136, 12, System.currentTimeMillis() / 1000);
            java.util.Arrays.fill(h, 148, 156, (byte) ' ');
            h[156] = (byte) type;
            byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(magic, 0, h, 257, magic.length);
            h[263] = '0';
            h[264] = '0';
            byte[] pre = prefix.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(pre, 0, h, 345, pre.length);
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xFF;
            }
            octal(h, 148, 7, sum);
            out.write(h);
        }

        private static void octal(byte[] h, int off, int len, long v) {
            String s = Long.toOctalString(v);
            String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
            byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, h, off, Math.min(b.length, len - 1));
            h[off + len - 1] = 0;
        }
    }
}
