package io.nograd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/**
 * A CSV as spreadsheets write it: a UTF-8 byte-order mark, CRLF line ends, quoted headers, quoted numbers,
 * labels with commas and doubled quotes inside, uploads over HTTP and trains to a separating classifier.
 * Its own server and data dir: the upload would otherwise be the smallest dataset the shared test server
 * lists, which the contract checker picks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CsvUploadTest {

    static final Path DATA = temp();

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nograd.data-dir", DATA::toString);
    }

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, null);
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("nograd-csv-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aQuotedCsvWithAByteOrderMarkUploadsAndTrains() {
        StringBuilder csv = new StringBuilder("\"width, cm\",\"height\",\"kind\"\r\n");
        for (int i = 0; i < 200; i++) {
            double x = (i % 20) / 20.0;
            double y = (i / 20) / 10.0;
            String kind = x + y > 1 ? "\"tall, wide\"" : "\"the \"\"small\"\" one\"";
            csv.append('"').append(x).append("\",").append(y).append(',').append(kind).append("\r\n");
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        file.writeBytes(csv.toString().getBytes(StandardCharsets.UTF_8));
        String head = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nquoted-bom\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"labelColumn\"\r\n\r\nkind\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"quoted.csv\"\r\nContent-Type: text/csv\r\n\r\n";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file.toByteArray());
        body.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8));
        var r = api.send("POST", "/datasets", body.toByteArray(), Map.of("Content-Type", "multipart/form-data; boundary=b"));
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode info = Api.json(r);
        assertEquals(2, info.get("features").asInt(), "the BOM and the quoted header give two features: " + info);
        assertEquals(2, info.get("classes").asInt(), "the labels with commas and quotes inside are two classes: " + info);
        assertEquals(200, info.get("trainSize").asInt() + info.get("testSize").asInt());

        Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("algorithm", "adam");
        spec.put("dataset", "quoted-bom");
        spec.put("layers", List.of(2, 16, 2));
        spec.put("activation", "tanh");
        spec.put("loss", "cross-entropy");
        spec.put("epochs", 60);
        spec.put("batchSize", 32);
        spec.put("seed", 3);
        spec.put("params", Map.of("lr", 0.05));
        String id = api.submit(spec);
        JsonNode job = api.awaitFinal(id, Duration.ofMinutes(3));
        assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
        double acc = job.get("latest").get("testAccuracy").asDouble();
        assertTrue(acc >= 0.9, "a linearly separable upload is learned: test accuracy " + acc);
        // the server is shared with the other ServerTest classes: the contract script trains on the smallest dataset
        assertEquals(204, api.send("DELETE", "/datasets/quoted-bom", null, Map.of()).statusCode());
    }
}
