package io.nograd.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ChildServer;
import tools.jackson.databind.JsonNode;

/**
 * Kill -9 in the middle of a 12-cell sweep with pruning, then a restart on the same data dir: the sweep goes
 * on releasing cells and ends with 12 cells, each with one job that ended SUCCEEDED or PRUNED, its epochs
 * 1..n stored once.
 */
class SweepRestartTest {

    static final int EPOCHS = 8;

    @Test
    void aSweepSurvivesKillNineAndRunsEveryCellOnce() throws Exception {
        Path dir = Files.createTempDirectory("nograd-sweep-restart-");
        Process server = ChildServer.start(dir, dir.resolve("server.log"));
        String id;
        try {
            Api api = ChildServer.await(server, dir.resolve("server.log"));
            Map<String, Object> base = new LinkedHashMap<>(Map.of("algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 128, 4),
                    "epochs", EPOCHS, "batchSize", 2, "trainLimit", 3000));
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("name", "restart");
            req.put("base", base);
            req.put("grid", Map.of("params.lr", List.of(1e-3, 3e-3, 1e-2, 1e-6, 3e-4, 1e-6)));
            req.put("seeds", List.of(1, 2));
            req.put("maxConcurrent", 2);
            req.put("prune", Map.of("rule", "median", "warmup", 2, "minPeers", 2));
            var created = api.post("/sweeps", req);
            assertEquals(201, created.statusCode(), new String(created.body()));
            id = Api.json(created).get("id").asString();
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            JsonNode progress = null;
            // Kill only while a cell has epochs still to go, so it cannot end between this poll and the kill.
            boolean midCell = false;
            while (!midCell && System.nanoTime() < deadline) {
                progress = api.getJson("/sweeps/" + id).get("progress");
                if (progress.get("succeeded").asInt() + progress.get("pruned").asInt() >= 3) {
                    for (JsonNode j : api.getJson("/jobs?sweep=" + id + "&limit=100").get("jobs")) {
                        int n = j.get("epochsDone").asInt();
                        midCell |= j.get("status").asString().equals("RUNNING") && n >= 1 && n <= EPOCHS - 4;
                    }
                }
                if (!midCell) Api.sleep(10);
            }
            assertTrue(midCell, "no cell was caught mid-run: " + progress);
            assertTrue(progress.get("pending").asInt() > 0, "killed with cells still to release: " + progress);
        } finally {
            server.destroyForcibly().waitFor();
        }

        server = ChildServer.start(dir, dir.resolve("server.log"));
        try {
            Api api = ChildServer.await(server, dir.resolve("server.log"));
            JsonNode done = api.awaitSweep(id, Duration.ofMinutes(8));
            assertEquals("DONE", done.get("status").asString(), done.get("progress").toString());
            JsonNode jobs = api.getJson("/jobs?sweep=" + id + "&limit=100");
            assertEquals(12, jobs.get("total").asInt(), "one job per cell, none twice");
            Set<Integer> cells = new HashSet<>();
            boolean resumed = false;
            for (JsonNode j : jobs.get("jobs")) {
                assertTrue(cells.add(j.get("sweep").get("cell").asInt()));
                String status = j.get("status").asString();
                assertTrue(status.equals("SUCCEEDED") || status.equals("PRUNED"), j.toString());
                int n = j.get("epochsDone").asInt();
                assertEquals(status.equals("SUCCEEDED") ? EPOCHS : n, n);
                List<Integer> epochs = new ArrayList<>();
                for (JsonNode row : api.getJson("/jobs/" + j.get("id").asString() + "/metrics")) epochs.add(row.get("epoch").asInt());
                assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), epochs, "epochs of cell " + j.get("sweep").get("cell"));
                resumed |= api.getJson("/jobs/" + j.get("id").asString()).get("history").toString().contains("server stopped while it was running");
            }
            assertTrue(resumed, "a cell was running at the kill and resumed");
            assertEquals(12, done.get("progress").get("succeeded").asInt() + done.get("progress").get("pruned").asInt());
            assertTrue(done.get("progress").get("pruned").asInt() >= 2, "the two lr=1e-6 cells are pruned: " + done.get("progress"));
        } finally {
            server.destroy();
            server.waitFor();
        }
    }
}
