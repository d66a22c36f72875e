package dev.actuate.cli;

import dev.actuate.io.AtomicFiles;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.render.FrameRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate render}: one episode as an animated GIF (and optionally PNG frames). */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Render one episode to an animated GIF.")
public final class RenderCommand implements Callable<Integer> {
    /** Box2D envs run at 50 steps per second; the GIF plays them in real time. */
    private static final int MILLIS_PER_STEP = 20;
    private static final int MAX_FRAMES = 400;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Episode seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE.gif", required = true, description = "GIF to write (atomically).")
    Path out;

    @Option(names = "--every", paramLabel = "K",
            description = "Keep every K-th step (default: 2, more for long episodes, to stay under " + MAX_FRAMES + " frames).")
    Integer every;

    @Option(names = "--png-dir", paramLabel = "DIR", description = "Also write each frame as a PNG here.")
    Path pngDir;

    @Option(names = "--width", defaultValue = "600", description = "Frame width in pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "400", description = "Frame height in pixels (default: ${DEFAULT-VALUE}).")
    int height;

    @Override
    public Integer call() throws Exception {
        String id = policy.envId();
        int stride = every != null ? every : Math.max(2, -Math.floorDiv(-Envs.spec(id).maxEpisodeSteps(), MAX_FRAMES));
        if (stride < 1) {
            throw new IllegalArgumentException("--every must be at least 1, got " + stride);
        }
        try (Env env = Envs.make(id)) {
            Controller c = policy.build(env, seed);
            FrameRecorder.Recording r = record(new FrameRecorder(env, width, height), c, seed, stride, out, pngDir);
            System.out.printf(Locale.ROOT, "wrote %s: %d frames, %s, return %.2f over %d steps (%s)%n", out, r.frames(),
                    policy.label(), r.episodeReturn(), r.length(), r.terminated() ? "terminated" : "truncated");
        }
        return 0;
    }

    /** One episode into {@code gif} and (optionally) PNG frames in {@code pngDir}, each file written atomically. */
    static FrameRecorder.Recording record(FrameRecorder recorder, Controller c, long seed, int stride, Path gif,
                                          Path pngDir) throws IOException {
        if (pngDir != null) {
            Files.createDirectories(pngDir);
        }
        FrameRecorder.FrameSink pngs = pngDir == null ? null : (step, img) -> AtomicFiles.write(
                pngDir.resolve(FrameRecorder.pngName(step)), png -> FrameRecorder.writePng(img, png));
        FrameRecorder.Recording[] recorded = new FrameRecorder.Recording[1];
        AtomicFiles.write(gif, out -> recorded[0] = recorder.recordEpisode(c, seed, out, stride,
                stride * MILLIS_PER_STEP, pngs));
        return recorded[0];
    }
}
