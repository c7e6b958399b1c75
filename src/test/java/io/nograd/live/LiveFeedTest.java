package io.nograd.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** The live feed over a real WebSocket client and real SSE: replay first, then every epoch once, in order. */
class LiveFeedTest extends ServerTest {

    /** A job long enough (30 short epochs on blobs) for a client to join while it runs. */
    private static Map<String, Object> longJob(int epochs) {
        return Map.of("name", "live", "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 256, 256, 4),
                "epochs", epochs, "batchSize", 8, "trainLimit", 800, "seed", 5, "params", Map.of("lr", 0.001));
    }

    @Test
    void webSocketJoiningMidRunGetsEarlierEpochsThenEachLaterOnceInOrder() throws Exception {
        int epochs = 30;
        String id = api.submit(longJob(epochs));
        int doneAtConnect = awaitEpochs(id, 3);
        List<JsonNode> messages = Api.followWebSocket(port, id, Duration.ofSeconds(180));
        assertTrue(doneAtConnect < epochs, "the client joined while the job ran (" + doneAtConnect + " epochs done)");
        List<Integer> seen = new ArrayList<>();
        String finalStatus = null;
        for (JsonNode m : messages) {
            assertEquals(id, m.get("jobId").asString());
            if (m.get("type").asString().equals("epoch")) {
                seen.add(m.get("epoch").asInt());
                assertTrue(m.has("trainLoss") && m.has("testAccuracy") && m.has("seconds"), m.toString());
            } else if (m.get("status").asString().equals("SUCCEEDED")) {
                finalStatus = "SUCCEEDED";
            }
        }
        assertEquals(IntStream.rangeClosed(1, epochs).boxed().toList(), seen);
        assertEquals("SUCCEEDED", finalStatus);
    }

    @Test
    void sseReplaysWithEpochIdsAndResumesAfterLastEventId() {
        String id = api.submit(spirals(4));
        api.awaitFinal(id, Duration.ofMinutes(2));
        HttpResponse<byte[]> all = api.send("GET", "/jobs/" + id + "/events", null, Map.of("Accept", "text/event-stream"));
        assertEquals(200, all.statusCode());
        assertTrue(all.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        String text = new String(all.body());
        assertEquals(List.of("1", "2", "3", "4"), ids(text));
        assertTrue(text.contains("event:status") && text.contains("SUCCEEDED"), text);

        HttpResponse<byte[]> resumed = api.send("GET", "/jobs/" + id + "/events", null, Map.of("Last-Event-ID", "2"));
        assertEquals(List.of("3", "4"), ids(new String(resumed.body())));
        assertEquals(404, api.get("/jobs/no-such-job/events").statusCode());
    }

    @Test
    void quietStreamsGetKeepAlivesThatClientsDoNotSeeAsEvents() throws Exception {
        String id = api.submit(longJob(1000));
        CompletableFuture<Void> pinged = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?job=" + id), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
                        pinged.complete(null);
                        socket.request(1);
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        HttpResponse<Stream<String>> sse = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(api.base() + "/jobs/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = sse.body()) {
            String comment = CompletableFuture.supplyAsync(() -> lines.filter(l -> l.startsWith(":")).findFirst().orElse(""))
                    .get(20, TimeUnit.SECONDS);
            assertEquals(":keep-alive", comment.replace(" ", ""), "an SSE comment line, which EventSource and curl clients skip");
        }
        pinged.get(20, TimeUnit.SECONDS);
        ws.abort();
        assertEquals(200, api.post("/jobs/" + id + "/cancel", "").statusCode());
    }

    private static List<String> ids(String sse) {
        return sse.lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim()).toList();
    }

    /** Waits until the job has at least {@code n} epochs; returns the count seen. */
    private int awaitEpochs(String id, int n) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = api.getJson("/jobs/" + id);
            int done = job.get("epochsDone").asInt();
            if (done >= n) return done;
            Api.sleep(20);
        }
        throw new AssertionError("job " + id + " never reached " + n + " epochs");
    }
}
