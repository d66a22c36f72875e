package dev.actuate.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on stderr: a one-line bar redrawn in place on a terminal (steps, steps/s,
 * recent mean return), a plain line every {@code logIntervalSeconds} when stderr is not a terminal
 * (logs stay line-based), and nothing with {@code quiet}.
 */
public final class ProgressBar {
    private final PrintStream err;
    private final long total;
    private final boolean quiet;
    private final boolean tty;
    private final double logIntervalSeconds;
    private final long startNanos = System.nanoTime();
    private final long startSteps;
    private long lastDrawNanos;
    private boolean drawn;

    public ProgressBar(long totalSteps, long startSteps, boolean quiet) {
        this(System.err, totalSteps, startSteps, quiet, System.console() != null, 10.0);
    }

    public ProgressBar(PrintStream err, long totalSteps, long startSteps, boolean quiet, boolean tty,
                       double logIntervalSeconds) {
        this.err = err;
        this.total = totalSteps;
        this.startSteps = startSteps;
        this.quiet = quiet;
        this.tty = tty;
        this.logIntervalSeconds = logIntervalSeconds;
        this.lastDrawNanos = startNanos;
    }

    /** Reports progress; redraws at most 5 times a second on a terminal. */
    public void update(long steps, double meanReturn) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        double sinceDraw = (now - lastDrawNanos) / 1e9;
        if (tty ? sinceDraw < 0.2 && drawn : sinceDraw < logIntervalSeconds) {
            return;
        }
        lastDrawNanos = now;
        drawn = true;
        String line = line(steps, meanReturn, (now - startNanos) / 1e9);
        if (tty) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** The final line: always printed (unless quiet), ending the in-place bar. */
    public void finish(long steps, double meanReturn) {
        if (quiet) {
            return;
        }
        String line = line(steps, meanReturn, (System.nanoTime() - startNanos) / 1e9);
        err.println(tty ? "\r" + line : line);
        err.flush();
    }

    String line(long steps, double meanReturn, double seconds) {
        double frac = total > 0 ? Math.min(1.0, (double) steps / total) : 0;
        int width = 30;
        int filled = (int) Math.round(frac * width);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        double rate = seconds > 0 ? (steps - startSteps) / seconds : 0;
        String ret = Double.isNaN(meanReturn) ? "n/a" : String.format(Locale.ROOT, "%.1f", meanReturn);
        return String.format(Locale.ROOT, "[%s] %3.0f%% %d/%d steps  %.0f steps/s  mean return %s",
                bar, 100 * frac, steps, total, rate, ret);
    }
}
