package io.nograd.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * Hostile input against the real server in its open default (no token, localhost): oversize bodies, lines,
 * uploads and predicts, cross-site writes, forged Host headers, path tricks and slow clients. Every case
 * must be refused with a 4xx (or a closed connection where the server drops a stalled client by design),
 * never a 5xx; afterwards the server is healthy, its jobs are intact, and its heap stayed under its limit.
 * The requests go over raw sockets, which send exactly the bytes given (Host included).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "nograd.datasets.max-upload-bytes=256KB",
        "spring.servlet.multipart.max-file-size=1MB",
        "spring.servlet.multipart.max-request-size=1MB",
        "server.tomcat.connection-timeout=2s",
        "nograd.live.max-connections=4"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    static final String EVIL = "Origin: http://evil.example";

    @LocalServerPort
    int port;

    static Path dataDir;
    private String job;
    private String wide;
    private String victim;
    private JsonNode before;
    private final AtomicLong heapPeak = new AtomicLong();
    private volatile boolean sampling = true;
    private Thread sampler;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("nograd-hostile-");
        registry.add("nograd.data-dir", dataDir::toString);
    }

    /** One hostile request: what it is, the status it must get (0: any 4xx; -1: any 4xx or a dropped connection). */
    record Case(String name, int status, Request request) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Request {
        RawHttp.Response send() throws IOException;
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    Case c(String name, int status, String method, String path, String contentType, byte[] body, String... headers) {
        return onHost(name, status, host(), method, path, contentType, body, headers);
    }

    Case onHost(String name, int status, String host, String method, String path, String contentType, byte[] body, String... headers) {
        return new Case(name, status, () -> {
            List<String> h = new ArrayList<>(List.of(headers));
            if (contentType != null) h.add("Content-Type: " + contentType);
            if (body != null) h.add("Content-Length: " + body.length);
            return RawHttp.send(port, RawHttp.head(method, path, host, h.toArray(String[]::new)), body, 30_000);
        });
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final String SPEC = "{\"algorithm\": \"adam\", \"dataset\": \"spirals\", \"layers\": [2, 8, 2], \"epochs\": 1}";
    static final String BOUNDARY = "hostileBoundary";

    static String multipart(String filename, byte[] csv, String... fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            sb.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"").append(fields[i]).append("\"\r\n\r\n")
                    .append(fields[i + 1]).append("\r\n");
        }
        sb.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"").append(filename)
                .append("\"\r\nContent-Type: text/csv\r\n\r\n");
        return sb.toString();
    }

    static byte[] upload(String filename, byte[] csv, String... fields) {
        byte[] head = multipart(filename, csv, fields).getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + csv.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(csv, 0, all, head.length, csv.length);
        System.arraycopy(tail, 0, all, head.length + csv.length, tail.length);
        return all;
    }

    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
    static final byte[] CSV = utf8("a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n");

    Case csv(String name, int status, String filename, byte[] csv, String... fields) {
        return c(name, status, "POST", "/datasets", MULTIPART, upload(filename, csv, fields));
    }

    static byte[] repeat(String unit, int times, String prefix, String suffix) {
        return utf8(prefix + unit.repeat(times) + suffix);
    }

    static String rows(int n, String row) {
        StringBuilder sb = new StringBuilder("{\"inputs\": [");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ",").append(row);
        return sb.append("]}").toString();
    }

    Stream<Case> cases() {
        String predict = "/jobs/" + job + "/predict";
        List<Case> all = new ArrayList<>(List.of(
                // cross-site and wrong-type writes
                c("cross-site text/plain POST /jobs", 403, "POST", "/jobs", "text/plain", utf8(SPEC), EVIL),
                c("text/plain POST /jobs", 415, "POST", "/jobs", "text/plain", utf8(SPEC)),
                c("form-encoded POST /jobs", 415, "POST", "/jobs", "application/x-www-form-urlencoded", utf8(SPEC)),
                c("form-encoded POST /sweeps (curl -d without -H)", 415, "POST", "/sweeps", "application/x-www-form-urlencoded",
                        utf8("{\"base\": " + SPEC + ", \"grid\": {\"params.lr\": [0.01, 0.1]}}")),
                c("cross-site POST /jobs of an untyped Blob", 403, "POST", "/jobs", null, utf8(SPEC), EVIL),
                c("multipart POST /jobs", 415, "POST", "/jobs", MULTIPART, upload("d.csv", CSV)),
                c("cross-site multipart POST /datasets", 403, "POST", "/datasets", MULTIPART, upload("d.csv", CSV, "name", "xsite"), EVIL),
                c("text/plain POST /datasets", 415, "POST", "/datasets", "text/plain", CSV),
                c("form-encoded POST /datasets", 415, "POST", "/datasets", "application/x-www-form-urlencoded", utf8("name=x")),
                c("text/plain predict", 415, "POST", predict, "text/plain", utf8("{\"inputs\": [[0, 0]]}")),
                c("cross-site cancel", 403, "POST", "/jobs/" + job + "/cancel", null, null, EVIL),
                c("cross-site DELETE of a job", 403, "DELETE", "/jobs/" + job, null, null, EVIL),
                c("cross-site DELETE of a dataset", 403, "DELETE", "/datasets/blobs", null, null, EVIL),
                c("Origin null (sandboxed page)", 403, "POST", "/jobs", "application/json", utf8(SPEC), "Origin: null"),
                c("cross-site read", 403, "GET", "/jobs", null, null, EVIL),
                c("Origin that only starts like a loopback address", 403, "POST", "/jobs", "application/json", utf8(SPEC),
                        "Origin: http://127.0.0.1.evil.example"),
                // forged Host (DNS rebinding)
                onHost("Host of another site", 421, "evil.example", "GET", "/jobs", null, null),
                onHost("Host of another site with this port", 421, "evil.example:" + port, "GET", "/jobs", null, null),
                onHost("rebinding Host on the weights", 421, "attacker.test:" + port, "GET", "/jobs/" + job + "/weights", null, null),
                onHost("rebinding Host on SSE", 421, "attacker.test", "GET", "/jobs/" + job + "/events", null, null),
                onHost("rebinding Host on the WebSocket", 421, "attacker.test", "GET", "/ws", null, null,
                        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"),
                c("cross-site WebSocket", 403, "GET", "/ws", null, null, EVIL,
                        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"),
                onHost("Host that starts like a loopback address", 421, "127.0.0.1.evil.example", "GET", "/jobs", null, null),
                onHost("Host that starts like localhost", 421, "localhost.evil.example", "GET", "/jobs", null, null),
                onHost("empty Host", 0, "", "GET", "/jobs", null, null),
                // oversize bodies and predicts
                c("job spec over 1 MiB", 413, "POST", "/jobs", "application/json", repeat(" ", JobControllerSize.MAX + 1, "", "")),
                c("predict body over its cap", 413, "POST", predict, "application/json", new byte[WeightsSizes.MAX_BODY + 1]),
                c("predict with too many rows", 413, "POST", predict, "application/json", utf8(rows(10_001, "[0,0]"))),
                c("predict whose rows × units exceed the forward-pass cap", 413, "POST", "/jobs/" + wide + "/predict", "application/json",
                        utf8(rows(5_000, "[0,0]"))),
                c("predict with one row of 4 million values", 413, "POST", predict, "application/json",
                        repeat("0,", 4_000_001, "{\"inputs\": [[", "0]]}")),
                c("predict nested 100000 deep", 400, "POST", predict, "application/json", repeat("[", 100_000, "{\"inputs\": ", "")),
                c("predict with an infinite number", 400, "POST", predict, "application/json", utf8("{\"inputs\": [[1e999, 0]]}")),
                c("predict with a 5-million-digit number", 400, "POST", predict, "application/json", repeat("9", 5_000_000, "{\"inputs\": [[", ", 0]]}")),
                c("predict with an unknown field", 400, "POST", predict, "application/json", utf8("{\"inputs\": [[0, 0]], \"x\": 1}")),
                c("predict with null inputs", 400, "POST", predict, "application/json", utf8("{\"inputs\": null}")),
                c("compute budget: years of SGD", 400, "POST", "/jobs", "application/json", utf8("{\"algorithm\": \"sgd\", \"dataset\": \"spirals\", "
                        + "\"layers\": [2, 4096, 4096, 4096, 2], \"epochs\": 100000, \"batchSize\": 1}")),
                // oversize lines and uploads
                csv("CSV line of 110 000 columns", 400, "wide.csv", repeat("a,", 110_000, "a,b,label\n", "x\n"), "name", "wide"),
                csv("CSV cell of 200 000 digits", 400, "long.csv", repeat("1", 200_000, "a,b,label\n1,", ",x\n3,4,y\n")),
                csv("CSV row wider than its header", 400, "ragged.csv", utf8("a,b,label\n1,2,x,4,5,6\n3,4,y\n")),
                csv("CSV that is not UTF-8", 400, "latin1.csv", new byte[] {'a', ',', 'l', '\n', '1', ',', 'c', 'a', 'f', (byte) 0xe9, '\n', '2', ',', 'y', '\n'}),
                csv("upload file name with NUL", 400, "\u0000.csv", CSV),
                csv("upload file name '..'", 400, "..", CSV),
                csv("upload file name with %00", 400, "x%00.csv", CSV),
                csv("label column name of 300 characters", 400, "lab.csv", CSV, "name", "lab", "labelColumn", "l".repeat(300)),
                csv("uploads over the total size kept", 413, "big.csv", repeat("1,2,x\n3,4,y\n", 30_000, "a,b,label\n", ""), "name", "big"),
                csv("upload over the multipart size", 413, "huge.csv", repeat("1,2,x\n3,4,y\n", 100_000, "a,b,label\n", ""), "name", "huge"),
                c("DELETE a built-in dataset", 409, "DELETE", "/datasets/spirals", null, null),
                c("DELETE an unknown dataset", 404, "DELETE", "/datasets/nope", null, null),
                // path tricks
                c("dot segments to an unexposed endpoint", 404, "GET", "/jobs/../actuator/env", null, null),
                c("encoded slashes", 0, "GET", "/..%2f..%2fetc%2fpasswd", null, null),
                c("encoded NUL in a job id", 0, "GET", "/jobs/%00", null, null),
                c("encoded backslashes", 0, "GET", "/assets/..%5c..%5cetc%5cpasswd", null, null),
                c("encoded dot segments", 0, "GET", "/%2e%2e/%2e%2e/etc/passwd", null, null),
                c("limit beyond int", 400, "GET", "/jobs?limit=99999999999", null, null),
                c("request header over 64 KiB", 0, "GET", "/jobs", null, null, "X-Filler: " + "x".repeat(70_000)),
                // slow clients
                new Case("body that stops half-way", -1, () -> stall(RawHttp.head("POST", "/jobs", host(),
                        "Content-Type: application/json", "Content-Length: 1000") + "\r\n{\"algorithm\": ")),
                new Case("a live connection over the cap", 429, this::overTheLiveCap),
                new Case("headers that never end", -1, () -> stall("GET /jobs HTTP/1.1\r\nHost: " + host() + "\r\nX-Slow: 1\r\n")),
                c("weights of a job whose checkpoint is corrupt", 409, "GET", "/jobs/" + victim + "/weights", null, null),
                c("predict on a job whose checkpoint is corrupt", 409, "POST", "/jobs/" + victim + "/predict", "application/json",
                        utf8("{\"inputs\": [[0, 0]]}"))));
        return all.stream();
    }

    /** Holds {@code nograd.live.max-connections} WebSockets open and opens one more. */
    RawHttp.Response overTheLiveCap() throws IOException {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host() + "\r\n" + upgrade).getBytes(StandardCharsets.ISO_8859_1));
                s.setSoTimeout(20_000);
                byte[] head = new byte[12];
                int n = s.getInputStream().readNBytes(head, 0, 12);
                assertEquals("HTTP/1.1 101", new String(head, 0, n, StandardCharsets.ISO_8859_1), "connection " + (i + 1) + " is accepted");
                held.add(s);
            }
            return RawHttp.send(port, RawHttp.head("GET", "/jobs/" + job + "/events", host()), null, 20_000);
        } finally {
            for (Socket s : held) s.close();
        }
    }

    /** Sends {@code partial} and then nothing: the server must answer 4xx or drop the connection after its timeout. */
    RawHttp.Response stall(String partial) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(partial.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawHttp.read(s.getInputStream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refused(Case c) throws IOException {
        RawHttp.Response r = c.request().send();
        String head = r.text().length() > 400 ? r.text().substring(0, 400) : r.text();
        if (c.status() == -1) {
            assertTrue(r.status() == 0 || (r.status() >= 400 && r.status() < 500), r.status() + " " + head);
            return;
        }
        if (c.status() != 0) assertEquals(c.status(), r.status(), head);
        assertTrue(r.status() >= 400 && r.status() < 500, r.status() + " " + head);
    }

    @Test
    void atLeastFortyCases() {
        assertTrue(cases().count() >= 40, "cases: " + cases().count());
    }

    @BeforeAll
    void setUp() throws Exception {
        sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (sampling) {
                heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Api api = new Api("http://127.0.0.1:" + port, null);
        job = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 2));
        victim = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 1));
        wide = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 20_000, 2), "epochs", 1, "trainLimit", 100));
        api.awaitFinal(job, Duration.ofMinutes(2));
        api.awaitFinal(victim, Duration.ofMinutes(2));
        api.awaitFinal(wide, Duration.ofMinutes(2));
        Files.write(dataDir.resolve("artifacts").resolve(victim).resolve("checkpoint.safetensors"), utf8("not a safetensors file"));
        before = api.getJson("/jobs/" + job);
    }

    @AfterAll
    void healthyAfterwards() throws Exception {
        sampling = false;
        sampler.join();
        Api api = new Api("http://127.0.0.1:" + port, null);
        assertEquals(200, api.get("/actuator/health").statusCode());
        JsonNode after = api.getJson("/jobs/" + job);
        assertEquals("SUCCEEDED", after.get("status").asString());
        assertEquals(before.get("epochsDone").asInt(), after.get("epochsDone").asInt());
        assertEquals(200, api.get("/jobs/" + job + "/weights").statusCode());
        assertEquals(2, api.getJson("/jobs/" + job + "/metrics").size());
        long max = Runtime.getRuntime().maxMemory();
        String figures = String.format("hostile cases: %d, heap peak: %d MiB of %d MiB max%n", cases().count(), heapPeak.get() >> 20, max >> 20);
        System.out.print(figures);
        Files.writeString(Path.of("target", "hostile-input-figures.txt"), figures);
        assertTrue(heapPeak.get() < max, figures);
    }

    /** The server's bounds, restated so the cases sit just over them. */
    static final class JobControllerSize {
        static final int MAX = io.nograd.jobs.JobController.MAX_SPEC_BYTES;
    }

    static final class WeightsSizes {
        static final int MAX_BODY = io.nograd.weights.WeightsController.MAX_PREDICT_BYTES;
    }
}
