package dev.actuate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Context switches (voluntary + involuntary) per thread of one process, from Linux's
 * {@code /proc/PID/task/TID/status}; empty elsewhere. A broker's hand-offs show up here: each
 * message that crosses a thread costs a switch. Thread names are the kernel's (15 characters).
 */
final class ContextSwitches {
    private ContextSwitches() {
    }

    /** Switches so far per thread id whose kernel name starts with one of {@code prefixes} (all threads when empty). */
    static Map<Long, Long> snapshot(long pid, List<String> prefixes) {
        Map<Long, Long> out = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> s = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) s::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    if (!prefixes.isEmpty() && prefixes.stream().noneMatch(p -> comm.startsWith(p.length() > 15 ? p.substring(0, 15) : p))) {
                        continue;
                    }
                    long n = 0;
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            n += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                    out.put(Long.parseLong(t.getFileName().toString()), n);
                } catch (IOException | NumberFormatException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** Switches between two snapshots, over the threads present in both (-1 when none is). */
    static long between(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        boolean any = false;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null) {
                sum += e.getValue() - b;
                any = true;
            }
        }
        return any ? sum : -1;
    }
}
