package dev.actuate.train;

import dev.actuate.io.AtomicFiles;
import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Plots mean episode return against env steps as a PNG with Java2D, offscreen (headless-safe). */
public final class LearningCurve {
    private static final int W = 800;
    private static final int H = 500;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    static {
        // No display on servers and CI; the plot never needs one.
        System.setProperty("java.awt.headless", "true");
    }

    private LearningCurve() {
    }

    /** Writes the curve of {@code points} (x = steps, y = mean return) to {@code file} atomically. */
    public static void write(Path file, String title, List<double[]> points, Double threshold) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            draw(g, title, points, threshold);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    private static void draw(Graphics2D g, String title, List<double[]> points, Double threshold) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 22);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.drawRect(LEFT, TOP, pw, ph);
        String xTitle = "env steps";
        g.drawString(xTitle, LEFT + (pw - fm.stringWidth(xTitle)) / 2, H - 10);
        // The y axis title runs up the left edge, clear of the tick labels.
        String yTitle = "mean return";
        AffineTransform plain = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, -(TOP + (ph + fm.stringWidth(yTitle)) / 2), fm.getAscent() + 2);
        g.setTransform(plain);
        if (points.isEmpty()) {
            g.drawString("no finished episodes yet", LEFT + 20, TOP + 20);
            return;
        }
        double xMin = 0;
        double xMax = Math.max(1, points.get(points.size() - 1)[0]);
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (double[] p : points) {
            yMin = Math.min(yMin, p[1]);
            yMax = Math.max(yMax, p[1]);
        }
        if (threshold != null) {
            yMin = Math.min(yMin, threshold);
            yMax = Math.max(yMax, threshold);
        }
        if (yMax - yMin < 1e-9) {
            yMin -= 1;
            yMax += 1;
        }
        double pad = 0.05 * (yMax - yMin);
        yMin -= pad;
        yMax += pad;
        g.setColor(Color.GRAY);
        for (int k = 0; k <= 4; k++) {
            // Labels are measured and kept inside the image: right-aligned left of the plot (y), centred
            // under their tick but clamped at the image's right edge (x).
            String yl = number(yMin + (yMax - yMin) * k / 4, yMax - yMin);
            int py = TOP + ph - (int) Math.round(ph * k / 4.0);
            g.drawString(yl, LEFT - 6 - fm.stringWidth(yl), py + fm.getAscent() / 2 - 1);
            String xl = number(xMin + (xMax - xMin) * k / 4, xMax - xMin);
            int px = LEFT + (int) Math.round(pw * k / 4.0);
            int xw = fm.stringWidth(xl);
            g.drawString(xl, Math.max(2, Math.min(W - 2 - xw, px - xw / 2)), TOP + ph + 4 + fm.getAscent());
        }
        if (threshold != null) {
            int ty = TOP + ph - (int) Math.round(ph * (threshold - yMin) / (yMax - yMin));
            g.setColor(new Color(0, 150, 0));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            g.drawLine(LEFT, ty, LEFT + pw, ty);
        }
        g.setColor(new Color(30, 80, 200));
        g.setStroke(new BasicStroke(2f));
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            double px = LEFT + pw * (points.get(i)[0] - xMin) / (xMax - xMin);
            double py = TOP + ph - ph * (points.get(i)[1] - yMin) / (yMax - yMin);
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        g.draw(path);
    }

    /** A tick label: whole numbers with k/M suffixes for large values, decimals only where the range is small. */
    static String number(double v, double range) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3gG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        }
        return range < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.0f", v);
    }
}
