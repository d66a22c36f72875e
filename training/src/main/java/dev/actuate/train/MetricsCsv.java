package dev.actuate.train;

import dev.actuate.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: one row per training iteration, appended and flushed. The first column is
 * the iteration, so a resumed run drops the rows written after its checkpoint and the file reads
 * as one uninterrupted run.
 */
public final class MetricsCsv implements AutoCloseable {
    private final Path file;
    private final List<String> columns;
    private final BufferedWriter out;

    /**
     * Opens {@code file} with the given columns (the first must be {@code iteration}). With
     * {@code keepThroughIteration >= 0}, existing rows up to that iteration are kept (resume);
     * otherwise the file starts empty.
     */
    public MetricsCsv(Path file, List<String> columns, long keepThroughIteration) throws IOException {
        if (columns.isEmpty() || !columns.get(0).equals("iteration")) {
            throw new IllegalArgumentException("the first metrics column must be 'iteration', got " + columns);
        }
        this.file = file;
        this.columns = List.copyOf(columns);
        String header = String.join(",", columns);
        StringBuilder kept = new StringBuilder(header).append('\n');
        if (keepThroughIteration >= 0 && Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && !lines.get(0).equals(header)) {
                throw new IOException(file + ": columns differ from this run's (" + lines.get(0) + " vs " + header + ")");
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String first = line.split(",", 2)[0];
                try {
                    if (!line.isBlank() && Long.parseLong(first) <= keepThroughIteration) {
                        kept.append(line).append('\n');
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": malformed row '" + line + "'");
                }
            }
        }
        AtomicFiles.writeString(file, kept.toString());
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw AtomicFiles.failed(file, e, "");
        }
    }

    public List<String> columns() {
        return columns;
    }

    public void append(double... row) throws IOException {
        if (row.length != columns.size()) {
            throw new IllegalArgumentException("metrics row has " + row.length + " values for " + columns.size()
                    + " columns " + columns);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            double v = row[i];
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                sb.append((long) v);
            } else if (Double.isNaN(v)) {
                sb.append("nan");
            } else {
                sb.append(String.format(Locale.ROOT, "%.6g", v));
            }
        }
        try {
            out.write(sb.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw AtomicFiles.failed(file, e, "; the rows before this one are kept");
        }
    }

    /** Reads two columns of a metrics file as (x, y) points, skipping NaN. */
    public static List<double[]> readPoints(Path file, String xColumn, String yColumn) throws IOException {
        List<double[]> points = new ArrayList<>();
        if (!Files.exists(file)) {
            return points;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return points;
        }
        List<String> header = List.of(lines.get(0).split(","));
        int xi = header.indexOf(xColumn);
        int yi = header.indexOf(yColumn);
        if (xi < 0 || yi < 0) {
            throw new IOException(file + ": lacks column '" + (xi < 0 ? xColumn : yColumn) + "'");
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f.length <= Math.max(xi, yi)) {
                continue;
            }
            double x = Double.parseDouble(f[xi]);
            double y = f[yi].equals("nan") ? Double.NaN : Double.parseDouble(f[yi]);
            if (!Double.isNaN(y)) {
                points.add(new double[] {x, y});
            }
        }
        return points;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
