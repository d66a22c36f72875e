package dev.actuate.hw.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retained payload on {@code actuate/<robot>/controller/status}: {@code online <session>} or
 * {@code offline <session>}, the session being the controller's id as 8 hex digits (the same number
 * its COMMAND frames carry). A bare {@code online}/{@code offline} (version 1, mapped devices, scripts)
 * parses with session 0, meaning "unknown".
 */
public record ControllerStatus(boolean online, long session) {
    /** A new random non-zero session id (unsigned 32 bits). */
    public static long newSession() {
        long s;
        do {
            s = ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL;
        } while (s == 0);
        return s;
    }

    /** The status, or null when the payload is neither online nor offline (or empty: a cleared retained message). */
    public static ControllerStatus parse(byte[] payload) {
        String[] parts = new String(payload, StandardCharsets.UTF_8).trim().split("\\s+");
        boolean online = parts[0].equalsIgnoreCase("online");
        if (!online && !parts[0].equalsIgnoreCase("offline")) {
            return null;
        }
        long session = 0;
        if (parts.length > 1) {
            try {
                session = Long.parseUnsignedLong(parts[1], 16) & 0xFFFFFFFFL;
            } catch (NumberFormatException e) {
                session = 0;
            }
        }
        return new ControllerStatus(online, session);
    }

    public static String hex(long session) {
        return String.format(Locale.ROOT, "%08x", session);
    }

    public String payload() {
        return (online ? "online" : "offline") + (session != 0 ? " " + hex(session) : "");
    }
}
