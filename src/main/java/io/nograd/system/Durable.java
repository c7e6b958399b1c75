package io.nograd.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** File-system helpers for writes that must survive a crash, and for telling a full disk from other I/O failures. */
public final class Durable {

    private Durable() {
    }

    /**
     * Forces a directory's entries to disk, so a file renamed into it survives a power loss (the rename
     * itself lives in the directory, not in the file). File systems that cannot open a directory skip this.
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // e.g. Windows: a directory cannot be opened as a channel; its metadata is flushed with the file
        }
    }

    /** True when {@code e} (or a cause) says the device is full or over quota. */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                String l = m.toLowerCase(Locale.ROOT);
                if (l.contains("no space left") || l.contains("disk quota exceeded") || l.contains("not enough space")) return true;
            }
        }
        return false;
    }

    /** The exception for a failed write: 507 when the disk is full, else an I/O error (a 500: the server's fault). */
    public static RuntimeException storageFailure(String what, IOException e) {
        if (isDiskFull(e)) return new InsufficientStorageException(what + ": the data directory's disk is full; free space and retry", e);
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
