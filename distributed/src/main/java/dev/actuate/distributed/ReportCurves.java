package dev.actuate.distributed;

import dev.actuate.io.AtomicFiles;
import dev.actuate.train.RunDir;

import javax.imageio.ImageIO;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.png}: per config, the training curve (mean episode return against env steps from each trial's
 * {@code metrics.csv}) averaged over its seeds, with a band from the lowest to the highest seed.
 */
final class ReportCurves {
    static final String PNG = "report.png";
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 260;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ReportCurves() {
    }

    /** One config's curve: steps and, per step, the mean, lowest and highest return over its seeds. */
    record Band(String label, double[] steps, double[] mean, double[] lo, double[] hi) {
    }

    /**
     * Mean and min..max over seeds of curves given as rows of (step, return); seeds share a log interval, so
     * row i is the same step in each, and curves are cut to the shortest.
     */
    static Band band(String label, List<List<double[]>> curves) {
        int n = curves.stream().mapToInt(List::size).min().orElse(0);
        double[] steps = new double[n];
        double[] mean = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = curves.get(0).get(i)[0];
            lo[i] = Double.POSITIVE_INFINITY;
            hi[i] = Double.NEGATIVE_INFINITY;
            for (List<double[]> c : curves) {
                double y = c.get(i)[1];
                mean[i] += y / curves.size();
                lo[i] = Math.min(lo[i], y);
                hi[i] = Math.max(hi[i], y);
            }
        }
        return new Band(label, steps, mean, lo, hi);
    }

    /** (global_step, mean_return) rows of a run directory's metrics file; rows without a return are skipped. */
    static List<double[]> readCurve(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics, StandardCharsets.UTF_8);
        List<double[]> out = new ArrayList<>();
        if (lines.isEmpty()) {
            return out;
        }
        List<String> header = List.of(lines.get(0).split(","));
        int step = header.indexOf("global_step");
        int ret = header.indexOf("mean_return");
        if (step < 0 || ret < 0) {
            throw new IOException(metrics + ": no global_step or mean_return column");
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f.length > Math.max(step, ret) && !f[ret].isBlank() && !f[ret].equalsIgnoreCase("nan")) {
                out.add(new double[] {Double.parseDouble(f[step]), Double.parseDouble(f[ret])});
            }
        }
        return out;
    }

    /** Draws every config's band from the trial directories under {@code out}. */
    static void write(Path out, SweepReport report) throws IOException {
        List<Band> bands = new ArrayList<>();
        for (SweepReport.ConfigSummary c : report.configs()) {
            List<List<double[]>> curves = new ArrayList<>();
            for (TrialResult r : report.trials()) {
                Path metrics = out.resolve(SparkTrials.TRIALS).resolve(r.trial().name()).resolve(RunDir.METRICS);
                if (r.ok() && r.trial().configIndex() == c.index() && Files.isRegularFile(metrics)) {
                    List<double[]> curve = readCurve(metrics);
                    if (!curve.isEmpty()) {
                        curves.add(curve);
                    }
                }
            }
            if (!curves.isEmpty()) {
                bands.add(band(c.index() + " " + c.config() + " (" + curves.size() + " seeds)", curves));
            }
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            draw(g, report.algo() + " on " + report.env() + ": mean return, band = lowest..highest seed", bands);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(out.resolve(PNG), o -> {
            if (!ImageIO.write(img, "png", o)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    private static void draw(Graphics2D g, String title, List<Band> bands) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 22);
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Band b : bands) {
            for (int i = 0; i < b.steps().length; i++) {
                x0 = Math.min(x0, b.steps()[i]);
                x1 = Math.max(x1, b.steps()[i]);
                y0 = Math.min(y0, b.lo()[i]);
                y1 = Math.max(y1, b.hi()[i]);
            }
        }
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.drawRect(LEFT, TOP, pw, ph);
        if (!(x1 >= x0)) {
            g.drawString("no training curves (no finished trial logged a return)", LEFT + 10, TOP + 20);
            return;
        }
        if (x1 == x0) {
            x0 -= 1;
            x1 += 1;
        }
        if (y1 == y0) {
            y0 -= 1;
            y1 += 1;
        }
        final double fx0 = x0;
        final double fx1 = x1;
        final double fy0 = y0;
        final double fy1 = y1;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - fx0) / (fx1 - fx0) * pw;
        java.util.function.DoubleUnaryOperator py = y -> TOP + ph - (y - fy0) / (fy1 - fy0) * ph;
        for (int t = 0; t <= 4; t++) {
            double y = y0 + (y1 - y0) * t / 4;
            double x = x0 + (x1 - x0) * t / 4;
            g.drawString(String.format(Locale.ROOT, "%.0f", y), 10, (int) py.applyAsDouble(y) + 4);
            g.drawString(String.format(Locale.ROOT, "%.0f", x), (int) px.applyAsDouble(x) - 15, TOP + ph + 18);
        }
        g.drawString("env steps", LEFT + pw / 2 - 25, H - 12);
        for (int k = 0; k < bands.size(); k++) {
            Band b = bands.get(k);
            Color c = COLORS[k % COLORS.length];
            Path2D.Double area = new Path2D.Double();
            Path2D.Double line = new Path2D.Double();
            for (int i = 0; i < b.steps().length; i++) {
                double x = px.applyAsDouble(b.steps()[i]);
                if (i == 0) {
                    area.moveTo(x, py.applyAsDouble(b.hi()[i]));
                    line.moveTo(x, py.applyAsDouble(b.mean()[i]));
                } else {
                    area.lineTo(x, py.applyAsDouble(b.hi()[i]));
                    line.lineTo(x, py.applyAsDouble(b.mean()[i]));
                }
            }
            for (int i = b.steps().length - 1; i >= 0; i--) {
                area.lineTo(px.applyAsDouble(b.steps()[i]), py.applyAsDouble(b.lo()[i]));
            }
            area.closePath();
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.2f));
            g.setColor(c);
            g.fill(area);
            g.setComposite(AlphaComposite.SrcOver);
            g.setStroke(new BasicStroke(2f));
            g.draw(line);
            g.fillRect(W - RIGHT + 10, TOP + 10 + 18 * k, 12, 12);
            g.setColor(Color.BLACK);
            String label = b.label().length() > 38 ? b.label().substring(0, 35) + "..." : b.label();
            g.drawString(label, W - RIGHT + 28, TOP + 21 + 18 * k);
        }
    }
}
