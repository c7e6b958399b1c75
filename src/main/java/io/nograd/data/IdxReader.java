package io.nograd.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), raw or gzip-compressed (detected by the gzip magic, not the name).
 * Only unsigned-byte data (type 0x08) occurs in MNIST and Fashion-MNIST, and only that is accepted.
 * Every problem is a {@link DatasetException} naming the file and what is wrong with it.
 */
public final class IdxReader {

    /** The dimensions and the raw unsigned bytes of one IDX file. */
    public record Idx(int[] dims, byte[] data) {
        public int count() { return dims[0]; }

        /** Product of every dimension but the first: the values per item. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) n *= dims[i];
            return n;
        }
    }

    private static final long MAX_BYTES = 1L << 31;

    private IdxReader() {
    }

    public static Idx read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
            return read(file.toString(), in);
        } catch (DatasetException e) {
            throw e;
        } catch (EOFException e) {
            throw new DatasetException(file + ": file is truncated (ended before its header or data were complete)");
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot be read: " + e.getMessage());
        }
    }

    static Idx read(String name, InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic = in.readInt();
        if ((magic >>> 16) != 0) {
            throw new DatasetException(name + ": not an IDX file (magic number 0x" + Integer.toHexString(magic)
                    + ", expected 0x0000TTDD)");
        }
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if (type != 0x08) {
            throw new DatasetException(name + ": IDX data type 0x" + Integer.toHexString(type) + " is not supported (only unsigned bytes, 0x08)");
        }
        if (rank < 1 || rank > 4) {
            throw new DatasetException(name + ": IDX rank " + rank + " is not in 1..4");
        }
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] <= 0) throw new DatasetException(name + ": dimension " + i + " is " + dims[i] + ", must be positive");
            total *= dims[i];
            if (total > MAX_BYTES) throw new DatasetException(name + ": dimensions claim more than 2 GiB of data");
        }
        byte[] data = new byte[(int) total];
        int off = 0;
        while (off < data.length) {
            int n = in.read(data, off, data.length - off);
            if (n < 0) {
                throw new DatasetException(name + ": file is truncated: header promises " + total + " bytes of data, found " + off);
            }
            off += n;
        }
        if (in.read() >= 0) {
            throw new DatasetException(name + ": file has bytes after the " + total + " its header promises");
        }
        return new Idx(dims, data);
    }
}
