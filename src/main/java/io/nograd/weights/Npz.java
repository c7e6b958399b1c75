package io.nograd.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz}: a zip of {@code .npy} files (format 1.0: magic, version, a little-endian header
 * length and a Python dict literal padded to a multiple of 64 bytes), one per tensor, float32, C order,
 * named like the safetensors tensors; {@code numpy.load} reads it.
 */
final class Npz {

    private Npz() {
    }

    static byte[] write(List<Tensors.Tensor> tensors) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Tensors.Tensor t : tensors) {
                zip.putNextEntry(new ZipEntry(t.name() + ".npy"));
                zip.write(npy(t));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] npy(Tensors.Tensor t) {
        StringBuilder shape = new StringBuilder("(");
        for (int d : t.shape()) shape.append(d).append(", ");
        if (t.shape().length > 1) shape.setLength(shape.length() - 2);
        else shape.setLength(shape.length() - 1);
        shape.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buf.putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        for (double v : t.values()) buf.putFloat((float) v);
        return buf.array();
    }
}
