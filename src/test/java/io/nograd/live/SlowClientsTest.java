package io.nograd.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/**
 * A real SSE client and a real WebSocket client that stop reading mid-run, during a job with fast epochs:
 * the job trains on, a reading SSE client and a reading WebSocket client get every epoch once and in order
 * with the final status, and no epoch reaches them late by the seconds a blocked publisher would cost.
 * The server's socket send buffers are made small, so the stalled clients block their sends within a few
 * events instead of after megabytes. Throughput against a run without clients is printed, not asserted
 * (a timing bound inside a test would be flaky on the shared 2-core machine).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowClientsTest {

    static final int EPOCHS = 1500;

    @LocalServerPort
    int port;

    @TestConfiguration
    static class SmallSendBuffers {
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallSendBuffers() {
            return f -> f.addConnectorCustomizers(c -> c.setProperty("socket.txBufSize", "4096"));
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("nograd-slow-");
        registry.add("nograd.data-dir", dir::toString);
    }

    static Map<String, Object> spec(String name) {
        return Map.of("name", name, "algorithm", "sgd", "dataset", "spirals", "layers", List.of(2, 4, 2), "epochs", EPOCHS,
                "batchSize", 20, "trainLimit", 20);
    }

    /** A client socket with a tiny receive buffer that sends {@code request} and then never reads. */
    Socket stalled(String request) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(1024);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    @Test
    void stalledClientsCostOnlyThemselves() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, null);
        long t0 = System.nanoTime();
        api.awaitFinal(api.submit(spec("no clients")), Duration.ofMinutes(5));
        double alone = (System.nanoTime() - t0) / 1e9;

        String id = api.submit(spec("slow clients"));
        String host = "127.0.0.1:" + port;
        List<Socket> stalled = new ArrayList<>();
        stalled.add(stalled("GET /jobs/" + id + "/events HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n"));
        stalled.add(stalled("GET /ws?job=" + id + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        stalled.add(stalled("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));

        HttpClient http = HttpClient.newHttpClient();
        List<Integer> wsEpochs = new CopyOnWriteArrayList<>();
        List<Long> wsArrivals = new CopyOnWriteArrayList<>();
        List<String> wsStatus = new CopyOnWriteArrayList<>();
        StringBuilder partial = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + host + "/ws?job=" + id), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonNode e = Api.JSON.readTree(partial.toString());
                    partial.setLength(0);
                    if (e.has("epoch") && "epoch".equals(e.get("type").asString())) {
                        wsEpochs.add(e.get("epoch").asInt());
                        wsArrivals.add(System.nanoTime());
                    } else if ("status".equals(e.get("type").asString())) {
                        wsStatus.add(e.get("status").asString());
                    }
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);

        List<Integer> sseEpochs = new CopyOnWriteArrayList<>();
        // read while the job runs: ofLines() pulls from the socket only as the stream is consumed, and a body left
        // unread until the end is itself a stalled client (dropped 1000 events behind on a fast machine)
        var sse = http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + host + "/jobs/" + id + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> r.body().forEach(line -> {
                    if (line.startsWith("id:")) sseEpochs.add(Integer.parseInt(line.substring(3).trim()));
                }));

        long t1 = System.nanoTime();
        JsonNode job = api.awaitFinal(id, Duration.ofMinutes(5));
        double withClients = (System.nanoTime() - t1) / 1e9;
        assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());

        sse.get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (wsStatus.isEmpty() && System.nanoTime() < deadline) Api.sleep(50);

        List<Integer> all = java.util.stream.IntStream.rangeClosed(1, EPOCHS).boxed().toList();
        assertEquals(all, sseEpochs, "the reading SSE client got every epoch once, in order");
        assertEquals(all, wsEpochs, "the reading WebSocket client got every epoch once, in order");
        assertEquals(List.of("SUCCEEDED"), wsStatus);
        long maxGap = 0;
        for (int i = 1; i < wsArrivals.size(); i++) maxGap = Math.max(maxGap, wsArrivals.get(i) - wsArrivals.get(i - 1));
        // a publisher blocked on a stalled client's close would hold every later epoch for 20–60 s
        assertTrue(maxGap < 10_000_000_000L, "longest wait between two epochs at the reading client: " + maxGap / 1_000_000 + " ms");
        System.out.printf("slow clients: %d epochs in %.2f s alone, %.2f s with 3 stalled and 2 reading clients (ratio %.2f); "
                + "longest gap between epochs %d ms%n", EPOCHS, alone, withClients, withClients / alone, maxGap / 1_000_000);
        ws.abort();
        for (Socket s : stalled) s.close();
    }
}
