package io.nograd.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.nograd.data.Dataset;
import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.Evaluator;
import io.nograd.nn.Activation;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Task;
import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Downloads a trained job's weights and reads them back with readers written here from the format
 * specifications alone (not the server's classes): safetensors' header, offsets, dtype and shapes; npz's
 * zip entries and .npy headers. The safetensors weights must reproduce the server's test accuracy.
 */
class WeightsDownloadTest extends ServerTest {

    private static final int[] LAYERS = {20, 24, 4};
    private static String job;
    private static JsonNode finished;

    @Autowired
    DatasetRegistry datasets;

    @BeforeEach
    void train() {
        if (job != null) return;
        job = api.submit(Map.of("name", "weights", "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 24, 4),
                "activation", "relu", "epochs", 3, "batchSize", 50, "seed", 9, "params", Map.of("lr", 0.01)));
        finished = api.awaitFinal(job, Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", finished.get("status").asString(), finished.toString());
    }

    @Test
    void safetensorsParsesAndReproducesTheServersTestAccuracy() {
        HttpResponse<byte[]> r = api.get("/jobs/" + job + "/weights?format=safetensors");
        assertEquals(200, r.statusCode());
        byte[] file = r.body();
        assertEquals(String.valueOf(file.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertTrue(r.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertEquals(66, etag.length(), "quoted SHA-256 hex: " + etag);
        assertEquals(304, api.send("GET", "/jobs/" + job + "/weights?format=safetensors", null, Map.of("If-None-Match", etag)).statusCode());

        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        JsonNode header = Api.JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) n;
        assertEquals(job, header.get("__metadata__").get("jobId").asString());
        assertEquals("pt", header.get("__metadata__").get("format").asString());
        Network net = new Network(LAYERS, Activation.of("relu", null), Activation.IDENTITY);
        long expectedOffset = 0;
        for (int l = 0; l < LAYERS.length - 1; l++) {
            JsonNode w = header.get("layers." + (2 * l) + ".weight");
            JsonNode b = header.get("layers." + (2 * l) + ".bias");
            assertEquals("F32", w.get("dtype").asString());
            assertEquals(List.of(LAYERS[l + 1], LAYERS[l]), List.of(w.get("shape").get(0).asInt(), w.get("shape").get(1).asInt()));
            assertEquals(1, b.get("shape").size());
            assertEquals(LAYERS[l + 1], b.get("shape").get(0).asInt());
            float[] wv = floats(file, dataStart, w.get("data_offsets"), LAYERS[l + 1] * LAYERS[l]);
            float[] bv = floats(file, dataStart, b.get("data_offsets"), LAYERS[l + 1]);
            expectedOffset = Math.max(expectedOffset, b.get("data_offsets").get(1).asLong());
            int rows = LAYERS[l + 1];
            int cols = LAYERS[l];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) net.weight(l).data[j * rows + i] = wv[i * cols + j];
                net.bias(l).data[i] = bv[i];
            }
        }
        assertEquals(file.length - dataStart, expectedOffset, "the tensors fill the data section exactly");

        Dataset blobs = datasets.get("blobs");
        double accuracy = new Evaluator(Task.CLASSIFICATION, Loss.CROSS_ENTROPY, 1000).evaluate(net, blobs, Dataset.Split.TEST, 0).accuracy();
        double serverAccuracy = finished.get("latest").get("testAccuracy").asDouble();
        assertEquals(serverAccuracy, accuracy, 0.0, "the downloaded float32 weights reproduce the server's test accuracy");
        assertTrue(accuracy > 0.9, "blobs is easy: " + accuracy);
    }

    @Test
    void npzHoldsValidNpyArraysWithTheSameNamesAndShapes() throws IOException {
        HttpResponse<byte[]> r = api.get("/jobs/" + job + "/weights?format=npz");
        assertEquals(200, r.statusCode());
        Map<String, String> headers = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] npy = zip.readAllBytes();
                assertEquals((byte) 0x93, npy[0]);
                assertEquals("NUMPY", new String(npy, 1, 5, StandardCharsets.US_ASCII));
                assertEquals(1, npy[6]);
                int len = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
                assertEquals(0, (10 + len) % 64, "header padded to 64 bytes");
                String dict = new String(npy, 10, len, StandardCharsets.US_ASCII);
                assertTrue(dict.endsWith("\n"));
                headers.put(e.getName(), dict.trim());
                int count = dict.contains("(24, 20)") ? 480 : dict.contains("(4, 24)") ? 96 : dict.contains("(24,)") ? 24 : 4;
                assertEquals(10 + len + 4L * count, npy.length, e.getName());
            }
        }
        assertEquals(List.of("layers.0.weight.npy", "layers.0.bias.npy", "layers.2.weight.npy", "layers.2.bias.npy"), new ArrayList<>(headers.keySet()));
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (24, 20), }", headers.get("layers.0.weight.npy"));
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", headers.get("layers.2.bias.npy"));
    }

    @Test
    void jsonWeightsAndPredictAgree() {
        JsonNode w = api.getJson("/jobs/" + job + "/weights?format=json");
        assertEquals(2, w.get("weights").size());
        assertEquals(24, w.get("weights").get(0).size());
        assertEquals(20, w.get("weights").get(0).get(0).size());

        Dataset blobs = datasets.get("blobs");
        List<List<Double>> inputs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            List<Double> row = new ArrayList<>();
            for (int f = 0; f < 20; f++) row.add((double) blobs.testX()[i * 20 + f]);
            inputs.add(row);
        }
        HttpResponse<byte[]> r = api.post("/jobs/" + job + "/predict", Map.of("inputs", inputs));
        assertEquals(200, r.statusCode(), new String(r.body()));
        JsonNode p = Api.json(r);
        assertEquals(50, p.get("outputs").size());
        int correct = 0;
        for (int i = 0; i < 50; i++) {
            JsonNode out = p.get("outputs").get(i);
            int argmax = 0;
            for (int k = 1; k < 4; k++) if (out.get(k).asDouble() > out.get(argmax).asDouble()) argmax = k;
            assertEquals(argmax, p.get("classes").get(i).asInt());
            if (argmax == blobs.testY()[i]) correct++;
        }
        assertTrue(correct >= 45, correct + " of 50 test samples predicted right");
        assertEquals(400, api.post("/jobs/" + job + "/predict", Map.of("inputs", List.of(List.of(1.0, 2.0)))).statusCode());
    }

    private static float[] floats(byte[] file, int dataStart, JsonNode offsets, int count) {
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        assertEquals(4L * count, end - begin, "offsets match F32 × shape");
        ByteBuffer b = ByteBuffer.wrap(file, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) out[i] = b.getFloat();
        return out;
    }
}
