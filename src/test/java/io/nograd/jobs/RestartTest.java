package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ChildServer;
import tools.jackson.databind.JsonNode;

/**
 * Kill -9 during a 3-job queue: the server runs as a child JVM on a temporary data dir, is killed with
 * SIGKILL while the first job trains and two wait, and is started again on the same dir. All three must
 * end SUCCEEDED with epochs 1..N exactly once, the first one resumed from its checkpoint and its solver's state
 * (Adam's moments), with the same figures as the same job run without a kill; a CSV dataset uploaded before the
 * kill is still there.
 */
class RestartTest {

    static final int EPOCHS = 8;

    @Test
    void aKilledServerLosesNothing() throws Exception {
        Path dir = Files.createTempDirectory("nograd-restart-");
        Process server = start(dir);
        List<String> ids = new ArrayList<>();
        try {
            Api api = await(server, dir);
            for (int i = 0; i < 3; i++) {
                ids.add(api.submit(spec(i)));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            int done = 0;
            while (System.nanoTime() < deadline && done < 2) {
                done = api.getJson("/jobs/" + ids.get(0)).get("epochsDone").asInt();
                Api.sleep(20);
            }
            assertTrue(done >= 2 && done < EPOCHS, "killed mid-run, after " + done + " epochs");
            assertEquals("QUEUED", api.getJson("/jobs/" + ids.get(2)).get("status").asString());
            String csv = "x1,x2,label\n" + "0,0,a\n1,1,b\n".repeat(20);
            String form = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nkept\r\n--b\r\nContent-Disposition: form-data; "
                    + "name=\"file\"; filename=\"kept.csv\"\r\n\r\n" + csv + "\r\n--b--\r\n";
            assertEquals(201, api.send("POST", "/datasets", form.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Map.of("Content-Type", "multipart/form-data; boundary=b")).statusCode());
        } finally {
            server.destroyForcibly().waitFor();
        }

        server = start(dir);
        try {
            Api api = await(server, dir);
            // the first job again, never interrupted: the resumed run must give the same bits
            String uninterrupted = api.submit(spec(0));
            for (String id : ids) {
                JsonNode job = api.awaitFinal(id, Duration.ofMinutes(4));
                assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
                assertEquals(EPOCHS, job.get("epochsDone").asInt());
                List<Integer> epochs = new ArrayList<>();
                for (JsonNode row : api.getJson("/jobs/" + id + "/metrics")) epochs.add(row.get("epoch").asInt());
                assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), epochs, "epochs of " + id);
            }
            JsonNode first = api.getJson("/jobs/" + ids.get(0));
            assertEquals(2, first.get("attempt").asInt());
            String history = first.get("history").toString();
            assertTrue(history.contains("server stopped while it was running") && history.contains("resumed from the checkpoint of epoch"), history);
            assertTrue(history.contains("with the solver's state of that epoch"), history);
            api.awaitFinal(uninterrupted, Duration.ofMinutes(2));
            JsonNode resumed = api.getJson("/jobs/" + ids.get(0) + "/metrics");
            JsonNode whole = api.getJson("/jobs/" + uninterrupted + "/metrics");
            for (int e = 0; e < EPOCHS; e++) {
                assertEquals(whole.get(e).get("trainLoss").asDouble(), resumed.get(e).get("trainLoss").asDouble(), 0.0, "train loss, epoch " + (e + 1));
                assertEquals(whole.get(e).get("testLoss").asDouble(), resumed.get(e).get("testLoss").asDouble(), 0.0, "test loss, epoch " + (e + 1));
            }
            try (var left = Files.list(dir.resolve("artifacts").resolve(ids.get(0)))) {
                assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("solver-state")).toList(),
                        "an ended job keeps no solver state");
            }
            assertEquals(200, api.get("/jobs/" + ids.get(0) + "/weights?format=safetensors").statusCode());
            assertTrue(api.getJson("/datasets").toString().contains("\"name\":\"kept\""), "the uploaded dataset survived the restart");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Adam, whose moments and step count are the solver state a resume must restore. */
    private static Map<String, Object> spec(int i) {
        return Map.of("name", "restart " + i, "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 256, 256, 4),
                "epochs", EPOCHS, "batchSize", 8, "trainLimit", 800, "seed", 10 + i, "params", Map.of("lr", 0.001));
    }

    private static Process start(Path dir) throws IOException {
        return ChildServer.start(dir, dir.resolve("server.log"));
    }

    private static Api await(Process server, Path dir) throws IOException {
        return ChildServer.await(server, dir.resolve("server.log"));
    }
}
