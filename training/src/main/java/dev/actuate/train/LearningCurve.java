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

/**
 * Plots mean episode return against env steps as a PNG with Java2D, offscreen (headless-safe): one run's curve
 * ({@code curve.png}), or several labelled lines in one plot (the results report: each seed and their mean).
 */
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

    /** Thin lines get these colours in turn; a bold line is drawn in black, over them. */
    private static final Color[] COLORS = {new Color(30, 80, 200), new Color(230, 120, 20), new Color(40, 160, 60),
            new Color(200, 40, 40), new Color(140, 90, 190), new Color(140, 86, 75)};

    private LearningCurve() {
    }

    /**
     * One line of a plot: (x = steps, y = mean return) points; {@code label} goes into the legend (none when
     * null); a bold line is drawn black and thick, over the others.
     */
    public record Series(String label, List<double[]> points, boolean bold) {
        public Series {
            points = List.copyOf(points);
        }
    }

    /** Writes the curve of {@code points} (x = steps, y = mean return) to {@code file} atomically. */
    public static void write(Path file, String title, List<double[]> points, Double threshold) throws IOException {
        writeSeries(file, title, List.of(new Series(null, points, false)), threshold);
    }

    /**
     * Writes several curves in one plot to {@code file} atomically, with a legend of their labels and, when
     * {@code threshold} is given, a dashed line at it. The image depends only on the arguments.
     */
    public static void writeSeries(Path file, String title, List<Series> series, Double threshold) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            draw(g, title, series, threshold);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    private static void draw(Graphics2D g, String title, List<Series> series, Double threshold) {
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
        if (series.stream().allMatch(s -> s.points().isEmpty())) {
            g.drawString("no finished episodes yet", LEFT + 20, TOP + 20);
            return;
        }
        double xMin = 0;
        double xMax = 1;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
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
        // Thin lines first, bold ones over them; colours follow the series' order, so a plot is reproducible.
        int thin = 0;
        Color[] colors = new Color[series.size()];
        for (int k = 0; k < series.size(); k++) {
            colors[k] = series.get(k).bold() ? Color.BLACK : COLORS[thin++ % COLORS.length];
        }
        for (boolean bold : new boolean[] {false, true}) {
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                if (s.bold() != bold) {
                    continue;
                }
                g.setColor(colors[k]);
                g.setStroke(new BasicStroke(bold ? 3f : series.size() > 1 ? 1.5f : 2f));
                Path2D.Double path = new Path2D.Double();
                List<double[]> points = s.points();
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
        }
        legend(g, fm, series, colors, pw);
    }

    /** The labelled series' names with their colours, in the plot's bottom-right corner. */
    private static void legend(Graphics2D g, FontMetrics fm, List<Series> series, Color[] colors, int pw) {
        int rows = 0;
        int width = 0;
        for (Series s : series) {
            if (s.label() != null) {
                rows++;
                width = Math.max(width, fm.stringWidth(s.label()));
            }
        }
        if (rows == 0) {
            return;
        }
        int lineH = fm.getHeight() + 2;
        int boxW = width + 40;
        int boxH = rows * lineH + 8;
        int x0 = LEFT + pw - boxW - 8;
        int y0 = H - BOTTOM - boxH - 8;
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.WHITE);
        g.fillRect(x0, y0, boxW, boxH);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(x0, y0, boxW, boxH);
        int row = 0;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            if (s.label() == null) {
                continue;
            }
            int y = y0 + 4 + row * lineH + lineH / 2;
            g.setColor(colors[k]);
            g.setStroke(new BasicStroke(s.bold() ? 3f : 1.5f));
            g.drawLine(x0 + 6, y, x0 + 28, y);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), x0 + 34, y + fm.getAscent() / 2 - 1);
            row++;
        }
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
