package io.nograd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    static byte[] idx(int type, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.putInt((type << 8) | dims.length);
        for (int d : dims) b.putInt(d);
        for (int i = 0; i < dataBytes; i++) b.put((byte) (i * 7));
        return b.array();
    }

    private Path write(String name, byte[] bytes, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        if (!gzip) return Files.write(p, bytes);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(bytes);
        }
        return Files.write(p, bos.toByteArray());
    }

    private String error(byte[] bytes) throws IOException {
        Path p = write("bad-idx", bytes, false);
        String msg = assertThrows(DatasetException.class, () -> IdxReader.read(p)).getMessage();
        assertTrue(msg.contains(p.toString()), "message names the file: " + msg);
        return msg;
    }

    @Test
    void readsRawAndGzipAlike() throws IOException {
        byte[] bytes = idx(8, new int[] {3, 2, 2}, 12);
        IdxReader.Idx raw = IdxReader.read(write("a", bytes, false));
        IdxReader.Idx gz = IdxReader.read(write("a.gz", bytes, true));
        assertArrayEquals(new int[] {3, 2, 2}, raw.dims());
        assertEquals(4, raw.itemSize());
        assertArrayEquals(raw.data(), gz.data());
    }

    @Test
    void namesEachCorruption() throws IOException {
        assertTrue(error(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).contains("not an IDX file"));
        assertTrue(error(idx(0x0D, new int[] {2}, 8)).contains("not supported"));
        assertTrue(error(idx(8, new int[] {0, 3}, 0)).contains("must be positive"));
        byte[] full = idx(8, new int[] {10, 4}, 40);
        assertTrue(error(Arrays.copyOf(full, full.length - 5)).contains("truncated"));
        assertTrue(error(Arrays.copyOf(full, 6)).contains("truncated"));
        assertTrue(error(Arrays.copyOf(full, full.length + 3)).contains("after"));
    }

    @Test
    void aTruncatedGzipIsAClearError() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(idx(8, new int[] {100, 100}, 10000));
        }
        byte[] cut = Arrays.copyOf(bos.toByteArray(), bos.size() / 2);
        Path p = write("cut.gz", cut, false);
        String msg = assertThrows(DatasetException.class, () -> IdxReader.read(p)).getMessage();
        assertTrue(msg.contains(p.toString()) && msg.contains("truncated"), msg);
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRefused() throws IOException {
        for (String s : new String[] {"train", "t10k"}) {
            write(s + "-images-idx3-ubyte", idx(8, new int[] {5, 2, 2}, 20), false);
            write(s + "-labels-idx1-ubyte", idx(8, new int[] {4}, 4), false);
        }
        String msg = assertThrows(DatasetException.class, () -> IdxDatasets.load("x", dir, 10)).getMessage();
        assertTrue(msg.contains("4 labels for 5 images"), msg);
    }

    @Test
    void loadsAnImageDirectoryScaledToTheUnitInterval() throws IOException {
        for (String s : new String[] {"train", "t10k"}) {
            ByteBuffer images = ByteBuffer.allocate(16 + 3 * 4);
            images.putInt(0x803).putInt(3).putInt(2).putInt(2);
            for (int i = 0; i < 12; i++) images.put((byte) (i == 0 ? 255 : i));
            write(s + "-images-idx3-ubyte.gz", images.array(), true);
            write(s + "-labels-idx1-ubyte", new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 9, 0}, false);
        }
        Dataset d = IdxDatasets.load("tiny", dir, 10);
        assertEquals(4, d.features());
        assertEquals(3, d.trainSize());
        assertEquals(1.0f, d.trainX()[0]);
        assertEquals(1 / 255f, d.trainX()[1], 1e-7);
        assertArrayEquals(new int[] {1, 9, 0}, d.testY());
    }
}
