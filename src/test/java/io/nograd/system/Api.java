package io.nograd.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the server tests: real HTTP over java.net.http, JSON through Jackson. */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    public Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public String base() {
        return base;
    }

    public HttpResponse<byte[]> send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> get(String path) {
        return send("GET", path, null, Map.of());
    }

    public HttpResponse<byte[]> post(String path, Object json) {
        byte[] body = json instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : JSON.writeValueAsBytes(json);
        return send("POST", path, body, Map.of("Content-Type", "application/json"));
    }

    public static JsonNode json(HttpResponse<byte[]> r) {
        return JSON.readTree(r.body());
    }

    public JsonNode getJson(String path) {
        HttpResponse<byte[]> r = get(path);
        if (r.statusCode() != 200) throw new AssertionError("GET " + path + " → " + r.statusCode() + " " + new String(r.body()));
        return json(r);
    }

    /** Submits a spec, expecting 201; returns the job id. */
    public String submit(Map<String, Object> spec) {
        HttpResponse<byte[]> r = post("/jobs", spec);
        if (r.statusCode() != 201) throw new AssertionError("POST /jobs → " + r.statusCode() + " " + new String(r.body()));
        return json(r).get("id").asString();
    }

    /** Polls the job until it has ended; returns it. */
    public JsonNode awaitFinal(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = getJson("/jobs/" + id);
            String s = job.get("status").asString();
            if (s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED") || s.equals("PRUNED")) return job;
            sleep(100);
        }
        throw new AssertionError("job " + id + " did not end within " + timeout + ": " + getJson("/jobs/" + id));
    }

    /** Polls the sweep until it is no longer RUNNING; returns it. */
    public JsonNode awaitSweep(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = getJson("/sweeps/" + id);
            if (!s.get("status").asString().equals("RUNNING")) return s;
            sleep(100);
        }
        throw new AssertionError("sweep " + id + " did not end within " + timeout + ": " + getJson("/sweeps/" + id).get("progress"));
    }

    /**
     * Follows one job over a real WebSocket ({@code /ws?job=}) on {@code port} until the server closes the
     * socket (after the job's final status); returns every message, in arrival order.
     */
    public static List<JsonNode> followWebSocket(int port, String jobId, Duration timeout) throws Exception {
        List<JsonNode> messages = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?job=" + jobId), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            messages.add(JSON.readTree(text.toString()));
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                        closed.complete(null);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket socket, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(20, TimeUnit.SECONDS);
        closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return messages;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
