package io.nograd.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
 * Bad requests, table-driven, against a server that requires a token: each must get a 4xx answer in
 * {@code application/problem+json} with status and title, never a 5xx. Every request carries the right
 * token except the rows that test the token itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "nograd.security.token=s3cret-token")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestsTest {

    static final String TOKEN = "s3cret-token";
    static final String UNKNOWN = "00000000-0000-0000-0000-000000000000";

    @LocalServerPort
    int port;

    private String job;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("nograd-bad-");
        registry.add("nograd.data-dir", dir::toString);
    }

    /** One bad request: what it is, and the status it must get (0: any 4xx). */
    record Bad(String name, String method, String path, String contentType, byte[] body, String token, int status, Map<String, String> headers) {
        Bad(String name, String method, String path, String contentType, byte[] body, String token, int status) {
            this(name, method, path, contentType, body, token, status, Map.of());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Bad spec(String name, String json, int status) {
        return new Bad(name, "POST", "/jobs", "application/json", json.getBytes(StandardCharsets.UTF_8), TOKEN, status);
    }

    /** A valid spirals spec with {@code field} replaced by the raw JSON {@code value} (null removes it). */
    static Bad field(String name, String field, String value) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("algorithm", "\"adam\"");
        f.put("dataset", "\"spirals\"");
        f.put("layers", "[2, 8, 2]");
        f.put("epochs", "1");
        if (value == null) f.remove(field);
        else f.put(field, value);
        StringBuilder sb = new StringBuilder("{");
        f.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        return spec(name, sb.append('}').toString(), 400);
    }

    static Bad get(String name, String path, int status) {
        return new Bad(name, "GET", path, null, null, TOKEN, status);
    }

    static Bad csv(String name, String csv, String extraParts, int status) {
        String boundary = "nogradBoundary";
        String body = extraParts.replace("\n", "\r\n") + (csv == null ? "" : "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n") + "--" + boundary + "--\r\n";
        return new Bad(name, "POST", "/datasets", "multipart/form-data; boundary=" + boundary, body.getBytes(StandardCharsets.UTF_8), TOKEN, status);
    }

    static String part(String name, String value) {
        return "--nogradBoundary\nContent-Disposition: form-data; name=\"" + name + "\"\n\n" + value + "\n";
    }

    Stream<Bad> bad() {
        String id = job;
        List<Bad> rows = new ArrayList<>(List.of(
                spec("malformed JSON", "{not json", 400),
                spec("empty body", "", 400),
                spec("array instead of object", "[1, 2]", 400),
                spec("string instead of object", "\"adam\"", 400),
                spec("JSON null", "null", 400),
                spec("truncated JSON", "{\"algorithm\": \"adam\"", 400),
                spec("trailing garbage", "{\"algorithm\": \"adam\", \"dataset\": \"spirals\", \"layers\": [2, 8, 2]} xyz", 400),
                field("layers as a string", "layers", "\"2,8,2\""),
                field("layer size as a string", "layers", "[2, \"x\", 2]"),
                field("layer size null", "layers", "[2, null, 2]"),
                field("epochs as a string", "epochs", "\"10\""),
                field("epochs fractional", "epochs", "2.5"),
                field("epochs beyond int", "epochs", "99999999999"),
                field("seed as a string", "seed", "\"one\""),
                field("params not an object", "params", "5"),
                field("init not an object", "init", "\"he\""),
                field("unknown top-level field", "epoch", "3"),
                field("missing algorithm", "algorithm", null),
                field("missing dataset", "dataset", null),
                field("missing layers", "layers", null),
                field("unknown algorithm", "algorithm", "\"no-such-solver\""),
                field("unknown dataset", "dataset", "\"imagenet\""),
                field("first layer does not match features", "layers", "[3, 8, 2]"),
                field("last layer does not match classes", "layers", "[2, 8, 3]"),
                field("single layer", "layers", "[2]"),
                field("zero units", "layers", "[2, 0, 2]"),
                field("negative units", "layers", "[2, -8, 2]"),
                field("too many units", "layers", "[2, 1000000, 2]"),
                field("oversized network", "layers", "[2, 60000, 60000, 2]"),
                field("too many layers", "layers", "[2" + ", 4".repeat(70) + ", 2]"),
                field("unknown activation", "activation", "\"swish\""),
                field("unknown loss", "loss", "\"hinge\""),
                field("unknown task", "task", "\"regression\""),
                field("autoencoder with cross-entropy", "task", "\"autoencoder\", \"loss\": \"cross-entropy\""),
                field("zero epochs", "epochs", "0"),
                field("negative epochs", "epochs", "-1"),
                field("too many epochs", "epochs", "100000000"),
                field("zero batch size", "batchSize", "0"),
                field("zero trainLimit", "trainLimit", "0"),
                field("trainLimit beyond the dataset", "trainLimit", "1000000"),
                field("param out of range", "params", "{\"lr\": -1}"),
                field("param of the wrong type", "params", "{\"lr\": \"fast\"}"),
                field("unknown param", "params", "{\"mu\": 5}"),
                field("unknown activation param", "activationParams", "{\"gamma\": 1}"),
                field("activation param out of range", "activation", "\"leaky-relu\", \"activationParams\": {\"alpha\": 5}"),
                field("unknown init", "init", "{\"kind\": \"orthogonal\"}"),
                field("gaussian init without a scale", "init", "{\"kind\": \"gaussian\", \"scale\": 0}"),
                field("name too long", "name", "\"" + "n".repeat(201) + "\""),
                get("unknown status filter", "/jobs?status=DONE", 400),
                get("zero limit", "/jobs?limit=0", 400),
                get("limit not a number", "/jobs?limit=abc", 400),
                get("negative offset", "/jobs?offset=-1", 400),
                get("unknown job", "/jobs/" + UNKNOWN, 404),
                get("unknown job's metrics", "/jobs/" + UNKNOWN + "/metrics", 404),
                get("unknown job's weights", "/jobs/" + UNKNOWN + "/weights", 404),
                get("unknown job's events", "/jobs/" + UNKNOWN + "/events", 404),
                new Bad("cancel unknown job", "POST", "/jobs/" + UNKNOWN + "/cancel", null, null, TOKEN, 404),
                new Bad("delete unknown job", "DELETE", "/jobs/" + UNKNOWN, null, null, TOKEN, 404),
                new Bad("predict on unknown job", "POST", "/jobs/" + UNKNOWN + "/predict", "application/json", "{\"inputs\": [[0, 0]]}".getBytes(), TOKEN, 404),
                get("metrics in an unknown format", "/jobs/" + id + "/metrics?format=xml", 400),
                get("weights in an unknown format", "/jobs/" + id + "/weights?format=pickle", 400),
                new Bad("predict rows of the wrong length", "POST", "/jobs/" + id + "/predict", "application/json", "{\"inputs\": [[0, 0, 0]]}".getBytes(), TOKEN, 400),
                new Bad("predict without inputs", "POST", "/jobs/" + id + "/predict", "application/json", "{\"inputs\": []}".getBytes(), TOKEN, 400),
                new Bad("predict with strings", "POST", "/jobs/" + id + "/predict", "application/json", "{\"inputs\": [[\"a\", 0]]}".getBytes(), TOKEN, 400),
                new Bad("predict malformed JSON", "POST", "/jobs/" + id + "/predict", "application/json", "{\"inputs\": [[".getBytes(), TOKEN, 400),
                new Bad("cancel an ended job", "POST", "/jobs/" + id + "/cancel", null, null, TOKEN, 409),
                get("unknown URL", "/no/such/page", 404),
                get("unknown dataset", "/datasets/imagenet", 404),
                new Bad("wrong method", "PUT", "/jobs", "application/json", "{}".getBytes(), TOKEN, 405),
                csv("upload without a file part", null, part("name", "nofile"), 400),
                csv("upload of an empty file", "", part("name", "empty"), 400),
                csv("CSV with a header only", "a,b,label\n", part("name", "headeronly"), 400),
                csv("CSV with a non-numeric cell", "a,b,label\n1,2,x\n3,oops,y\n5,6,x\n", part("name", "nonnum"), 400),
                csv("CSV with a ragged row", "a,b,label\n1,2,x\n3,y\n5,6,x\n", part("name", "ragged"), 400),
                csv("CSV with a single class", "a,b,label\n1,2,x\n3,4,x\n5,6,x\n", part("name", "oneclass"), 400),
                csv("CSV with a bad dataset name", "a,b,label\n1,2,x\n3,4,y\n5,6,x\n", part("name", "../etc"), 400),
                csv("CSV named like a built-in dataset", "a,b,label\n1,2,x\n3,4,y\n5,6,x\n", part("name", "spirals"), 409),
                csv("CSV with testFraction out of range", "a,b,label\n1,2,x\n3,4,y\n5,6,x\n", part("name", "frac") + part("testFraction", "2"), 400),
                csv("CSV with an unknown label column", "a,b,label\n1,2,x\n3,4,y\n5,6,x\n", part("name", "nolabel") + part("labelColumn", "klass"), 400),
                new Bad("JSON instead of multipart", "POST", "/datasets", "application/json", "{}".getBytes(), TOKEN, 0),
                new Bad("no token", "GET", "/jobs", null, null, null, 401),
                new Bad("wrong token", "GET", "/jobs", null, null, "guess", 401),
                new Bad("wrong token on POST /jobs", "POST", "/jobs", "application/json", "{}".getBytes(), "guess", 401),
                new Bad("wrong token on the WebSocket", "GET", "/ws?token=guess", null, null, null, 401),
                new Bad("wrong token on SSE", "GET", "/jobs/" + id + "/events?token=guess", null, null, null, 401),
                new Bad("no token on the metrics", "GET", "/jobs/" + id + "/metrics", null, null, null, 401),
                new Bad("no token on the OpenAPI description", "GET", "/v3/api-docs", null, null, null, 401),
                new Bad("no token on Swagger UI", "GET", "/swagger-ui/index.html", null, null, null, 401),
                new Bad("wrong token on Prometheus", "GET", "/actuator/prometheus", null, null, "guess", 401),
                // malformed tokens and exemption tricks
                new Bad("right token in the query of a non-stream endpoint", "GET", "/jobs?token=" + TOKEN, null, null, null, 401),
                new Bad("right token in the query of a write", "DELETE", "/jobs/" + id + "?token=" + TOKEN, null, null, null, 401),
                new Bad("Basic instead of Bearer", "GET", "/jobs", null, null, null, 401, Map.of("Authorization", "Basic czNjcmV0LXRva2Vu")),
                new Bad("empty Bearer", "GET", "/jobs", null, null, null, 401, Map.of("Authorization", "Bearer ")),
                new Bad("token prefix only", "GET", "/jobs", null, null, null, 401, Map.of("Authorization", "Bearer s3cret")),
                new Bad("token with a suffix", "GET", "/jobs", null, null, null, 401, Map.of("Authorization", "Bearer " + TOKEN + "x")),
                new Bad("lower-case scheme with a wrong token", "GET", "/jobs", null, null, null, 401, Map.of("Authorization", "bearer guess")),
                new Bad("static prefix with dot segments", "GET", "/assets/../jobs", null, null, null, 401),
                new Bad("static prefix with a path parameter", "GET", "/assets/..;/jobs", null, null, null, 0),
                new Bad("index.html with dot segments", "GET", "/index.html/../jobs/" + id, null, null, null, 401),
                new Bad("health prefix with dot segments", "GET", "/actuator/health/../../jobs", null, null, null, 401)));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void answersProblemJson(Bad bad) {
        Map<String, String> headers = new HashMap<>();
        if (bad.contentType() != null) headers.put("Content-Type", bad.contentType());
        headers.putAll(bad.headers());
        Api client = new Api("http://127.0.0.1:" + port, bad.token());
        HttpResponse<byte[]> r = client.send(bad.method(), bad.path(), bad.body(), headers);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (bad.status() != 0) assertEquals(bad.status(), r.statusCode(), body);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.statusCode() + " " + body);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("application/problem+json"), r.headers().map() + " " + body);
        JsonNode p = Api.JSON.readTree(body);
        assertEquals(r.statusCode(), p.get("status").asInt());
        assertTrue(p.hasNonNull("title") && p.hasNonNull("detail"), body);
        if (r.statusCode() == 400 && bad.path().equals("/jobs")) {
            assertTrue(p.has("errors") && p.get("errors").get(0).hasNonNull("field"), "a bad spec names the field: " + body);
        }
    }

    /** Percent-encoding java.net.URI refuses to send, so over a raw socket: a 401, not a 500. */
    @Test
    void aTokenWithBadPercentEncodingIsA401() throws Exception {
        for (String path : List.of("/jobs?token=%zz", "/jobs/" + job + "/events?token=%zz", "/ws?token=%")) {
            RawHttp.Response r = RawHttp.send(port, RawHttp.head("GET", path, "127.0.0.1:" + port), null, 20_000);
            assertEquals(401, r.status(), path + ": " + r.text());
        }
    }

    @Test
    void atLeastFiftyRows() {
        assertTrue(bad().count() >= 50);
    }

    @Test
    void healthIsOpenAndTheQueryTokenWorksOnlyOnTheStreams() {
        assertEquals(200, new Api("http://127.0.0.1:" + port, null).get("/actuator/health").statusCode());
        assertEquals(200, new Api("http://127.0.0.1:" + port, null).get("/jobs/" + job + "/events?token=" + TOKEN).statusCode());
        // elsewhere a query token would land in logs and browser histories: only the header counts
        assertEquals(401, new Api("http://127.0.0.1:" + port, null).get("/jobs?token=" + TOKEN).statusCode());
        Api withToken = new Api("http://127.0.0.1:" + port, TOKEN);
        assertEquals(200, withToken.get("/v3/api-docs").statusCode(), "the OpenAPI description with the token");
        assertEquals(200, withToken.get("/swagger-ui/index.html").statusCode(), "Swagger UI with the token");
        assertEquals(200, withToken.get("/actuator/prometheus").statusCode(), "Prometheus with the token");
    }

    @Test
    void aWebSocketWithTheQueryTokenConnectsAndOneWithoutIsRefused() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/ws?token=" + TOKEN), new java.net.http.WebSocket.Listener() { })
                .get(20, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(20, java.util.concurrent.TimeUnit.SECONDS);
        java.util.concurrent.CompletableFuture<java.net.http.WebSocket> refused = http.newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/ws"), new java.net.http.WebSocket.Listener() { });
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> refused.get(20, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException h && h.getResponse().statusCode() == 401, String.valueOf(e.getCause()));
    }

    @org.junit.jupiter.api.BeforeAll
    void trainOne() {
        Api client = new Api("http://127.0.0.1:" + port, TOKEN);
        job = client.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 1));
        client.awaitFinal(job, Duration.ofMinutes(2));
    }
}
