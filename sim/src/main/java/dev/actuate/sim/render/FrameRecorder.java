package dev.actuate.sim.render;

import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepResult;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Draws a {@link Renderable} env offscreen (no display needed) with the step and running return
 * overlaid, and records episodes to an animated GIF and optionally PNG frames.
 */
public final class FrameRecorder {
    static {
        // Offscreen only: never try to reach a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static final int DEFAULT_WIDTH = 600;
    public static final int DEFAULT_HEIGHT = 400;

    private final Env env;
    private final Renderable scene;
    private final int width;
    private final int height;
    private final BufferedImage canvas;

    /** Summary of a recorded episode. */
    public record Recording(double episodeReturn, int length, boolean terminated, int frames) {
    }

    public FrameRecorder(Env env) {
        this(env, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public FrameRecorder(Env env, int width, int height) {
        if (!(env.unwrapped() instanceof Renderable r)) {
            throw new IllegalArgumentException(env.id() + ": environment cannot be rendered (not Renderable)");
        }
        if (width < 64 || height < 64 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " outside 64..4096");
        }
        this.env = env;
        this.scene = r;
        this.width = width;
        this.height = height;
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    /** Draws the env's current state with the overlay; the returned image is reused by the next call. */
    public BufferedImage render(int step, double episodeReturn) {
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Graphics2D sceneG = (Graphics2D) g.create();
            try {
                scene.draw(sceneG, width, height);
            } finally {
                sceneG.dispose();
            }
            String text = String.format(Locale.ROOT, "%s  step %d  return %.1f", env.id(), step, episodeReturn);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            int tw = g.getFontMetrics().stringWidth(text);
            g.setColor(new Color(255, 255, 255, 200));
            g.fillRect(4, 4, tw + 10, 20);
            g.setColor(Color.BLACK);
            g.drawString(text, 9, 19);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** Where each recorded frame also goes (the CLI writes it as a PNG file). */
    @FunctionalInterface
    public interface FrameSink {
        void frame(int step, BufferedImage image) throws IOException;
    }

    /**
     * Runs one episode of {@code controller} from {@code seed} and writes every {@code stride}-th
     * frame (plus the first and the last) to {@code gif} as an animated GIF; with {@code frames}
     * non-null each of those frames also goes there. The stream stays open.
     */
    public Recording recordEpisode(Controller controller, long seed, OutputStream gif, int stride, int delayMillis,
                                   FrameSink frames) throws IOException {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + stride);
        }
        GifWriter out = new GifWriter(gif, delayMillis);
        try {
            controller.reset();
            double[] obs = env.reset(seed).observation();
            double ret = 0;
            int step = 0;
            frame(out, frames, step, ret);
            StepResult r;
            do {
                r = env.step(controller.act(obs));
                obs = r.observation();
                ret += r.reward();
                step++;
                if (step % stride == 0 || r.done()) {
                    frame(out, frames, step, ret);
                }
            } while (!r.done());
            out.close();
            return new Recording(ret, step, r.terminated(), out.frames());
        } catch (RuntimeException | IOException e) {
            out.abort();
            throw e;
        }
    }

    private void frame(GifWriter out, FrameSink frames, int step, double ret) throws IOException {
        BufferedImage img = render(step, ret);
        out.write(img);
        if (frames != null) {
            frames.frame(step, img);
        }
    }

    /** {@code frame_NNNNN.png}, NNNNN the step: the name of a recorded frame's PNG. */
    public static String pngName(int step) {
        return String.format(Locale.ROOT, "frame_%05d.png", step);
    }

    /** Writes {@code img} as a PNG into {@code out} (which stays open). */
    public static void writePng(BufferedImage img, OutputStream out) throws IOException {
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available");
        }
    }
}
