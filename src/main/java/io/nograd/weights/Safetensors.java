package io.nograd.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to {@code dtype}, {@code shape} and {@code data_offsets} (plus {@code __metadata__}, string
 * to string), then the raw little-endian values. Downloads are F32 (what PyTorch loads); checkpoints are
 * F64 so a resumed run continues from exactly the weights it stopped at. The header is padded with spaces
 * to a multiple of 8 bytes, as the reference writer does.
 */
final class Safetensors {

    private Safetensors() {
    }

    static byte[] write(List<Tensors.Tensor> tensors, boolean f64, Map<String, String> metadata, JsonMapper json) {
        int width = f64 ? 8 : 4;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Tensors.Tensor t : tensors) {
            long end = offset + t.count() * width;
            header.put(t.name(), Map.of("dtype", f64 ? "F64" : "F32", "shape", t.shape(), "data_offsets", new long[] {offset, end}));
            offset = end;
        }
        byte[] head = json.writeValueAsBytes(header);
        int padded = (head.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(head);
        for (int i = head.length; i < padded; i++) buf.put((byte) ' ');
        for (Tensors.Tensor t : tensors) {
            if (f64) {
                for (double v : t.values()) buf.putDouble(v);
            } else {
                for (double v : t.values()) buf.putFloat((float) v);
            }
        }
        return buf.array();
    }

    /** A parsed file: its metadata and each tensor's values (widened to double). */
    record Parsed(Map<String, String> metadata, Map<String, double[]> tensors, Map<String, int[]> shapes) {
    }

    static Parsed read(byte[] file, JsonMapper json) {
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 8) throw new IllegalStateException("safetensors file shorter than its 8-byte header length");
        long n = buf.getLong();
        if (n < 2 || 8 + n > file.length) throw new IllegalStateException("safetensors header length " + n + " does not fit the file");
        JsonNode header = json.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        int base = 8 + (int) n;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, double[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                for (Map.Entry<String, JsonNode> m : e.getValue().properties()) metadata.put(m.getKey(), m.getValue().asString());
                continue;
            }
            JsonNode t = e.getValue();
            String dtype = t.get("dtype").asString();
            int width = switch (dtype) {
                case "F64" -> 8;
                case "F32" -> 4;
                default -> throw new IllegalStateException("tensor " + e.getKey() + " has dtype " + dtype + "; only F32 and F64 are read");
            };
            int[] shape = new int[t.get("shape").size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asInt();
                count *= shape[i];
            }
            long begin = t.get("data_offsets").get(0).asLong();
            long end = t.get("data_offsets").get(1).asLong();
            if (end - begin != count * width || base + end > file.length) {
                throw new IllegalStateException("tensor " + e.getKey() + ": offsets do not match its dtype and shape");
            }
            double[] values = new double[(int) count];
            ByteBuffer data = ByteBuffer.wrap(file, base + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) values[i] = width == 8 ? data.getDouble() : data.getFloat();
            tensors.put(e.getKey(), values);
            shapes.put(e.getKey(), shape);
        }
        return new Parsed(metadata, tensors, shapes);
    }
}
