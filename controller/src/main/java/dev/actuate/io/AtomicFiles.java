package dev.actuate.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files by temp file then rename, so a crash mid-write never leaves a half-written
 * checkpoint, config or plot where a reader expects a complete one. A failed write (a full disk, say)
 * leaves the previous version in place and is reported with the file's path. Files end up {@code 0644}:
 * temp files are created owner-only, and run directories are shared with other users (eval, plots).
 */
public final class AtomicFiles {
    /** Body of a write that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, Writer body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.write(out);
            }
            makeReadable(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw failed(target, e, "; any previous version is left intact");
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** {@code e} as an IOException that names {@code file} (once) and keeps the cause's words. */
    public static IOException failed(Path file, IOException e, String note) {
        String msg = String.valueOf(e.getMessage());
        if (msg.startsWith(file.toString() + ": could not write")) {
            return e;
        }
        String why = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getClass().getSimpleName().equals("IOException") ? msg : e.toString();
        return new IOException(file + ": could not write (" + why + ")" + note, e);
    }

    private static final Set<PosixFilePermission> RW_R_R = PosixFilePermissions.fromString("rw-r--r--");

    /** Sets {@code rw-r--r--} where the file system has POSIX permissions. */
    public static void makeReadable(Path file) throws IOException {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, RW_R_R);
        }
    }
}
