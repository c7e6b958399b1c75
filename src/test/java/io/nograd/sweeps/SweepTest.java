package io.nograd.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** Sweeps against the real server: a 3 × 4 grid × 2 seeds, its aggregates and tables; pruning; cancel and delete. */
class SweepTest extends ServerTest {

    static final List<Double> LRS = List.of(0.003, 0.01, 0.03);
    static final List<Integer> BATCHES = List.of(8, 16, 32, 64);

    static Map<String, Object> base(int epochs) {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("algorithm", "adam");
        base.put("dataset", "spirals");
        base.put("layers", List.of(2, 16, 2));
        base.put("activation", "tanh");
        base.put("epochs", epochs);
        base.put("trainLimit", 200);
        base.put("params", Map.of("lr", 0.01));
        return base;
    }

    /** Waits for the sweep to leave RUNNING. */
    @Test
    void aGridOfTwentyFourCellsRunsWithinMaxConcurrentAndTabulatesItsMeans() {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", "lr x batch");
        req.put("base", base(3));
        req.put("grid", Map.of("params.lr", LRS, "batchSize", BATCHES));
        req.put("seeds", List.of(1, 2));
        req.put("maxConcurrent", 2);
        HttpResponse<byte[]> created = api.post("/sweeps", req);
        assertEquals(201, created.statusCode(), new String(created.body()));
        JsonNode sweep = Api.json(created);
        String id = sweep.get("id").asString();
        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/sweeps/" + id));
        assertEquals(24, sweep.get("cells").size());
        assertEquals(24, sweep.get("progress").get("cells").asInt());
        assertTrue(sweep.get("progress").get("queued").asInt() + sweep.get("progress").get("running").asInt() <= 2);
        Set<String> coords = new HashSet<>();
        for (JsonNode c : sweep.get("cells")) coords.add(c.get("coordinates").toString());
        assertEquals(24, coords.size(), "every cell has its own coordinates");

        JsonNode done = api.awaitSweep(id, Duration.ofMinutes(5));
        assertEquals("DONE", done.get("status").asString(), done.get("progress").toString());
        assertEquals(24, done.get("progress").get("succeeded").asInt());
        assertEquals(72, done.get("progress").get("epochsDone").asLong());

        // GET /jobs?sweep= lists exactly the 24 cell jobs, each carrying the sweep and its coordinates.
        JsonNode page = api.getJson("/jobs?sweep=" + id + "&limit=100");
        assertEquals(24, page.get("total").asInt());
        List<Instant[]> spans = new ArrayList<>();
        Set<Integer> cellIndexes = new HashSet<>();
        for (JsonNode j : page.get("jobs")) {
            assertEquals(id, j.get("sweep").get("id").asString());
            cellIndexes.add(j.get("sweep").get("cell").asInt());
            JsonNode c = j.get("sweep").get("coordinates");
            assertEquals(c.get("batchSize").asInt(), j.get("spec").get("batchSize").asInt());
            assertEquals(c.get("params.lr").asDouble(), j.get("spec").get("params").get("lr").asDouble());
            assertEquals(c.get("seed").asLong(), j.get("spec").get("seed").asLong());
            spans.add(new Instant[] {Instant.parse(j.get("createdAt").asString()), Instant.parse(j.get("finishedAt").asString())});
        }
        assertEquals(24, cellIndexes.size());
        // maxConcurrent: when any cell's job was released, at most 2 cell jobs (itself included) were queued or running.
        for (Instant[] s : spans) {
            long active = spans.stream().filter(o -> !o[0].isAfter(s[0]) && o[1].isAfter(s[0])).count();
            assertTrue(active <= 2, "at " + s[0] + " " + active + " cells were queued or running at once");
        }

        // Aggregates: the mean over the two seeds of each configuration, computed here from the cells.
        Map<String, List<Double>> finals = new HashMap<>();
        for (JsonNode c : done.get("cells")) {
            String key = c.get("coordinates").get("params.lr").asDouble() + "/" + c.get("coordinates").get("batchSize").asInt();
            finals.computeIfAbsent(key, k -> new ArrayList<>()).add(c.get("final").asDouble());
            JsonNode metrics = api.getJson("/jobs/" + c.get("jobId").asString() + "/metrics");
            assertEquals(metrics.get(metrics.size() - 1).get("testAccuracy").asDouble(), c.get("final").asDouble(), 0.0);
        }
        assertEquals(12, done.get("aggregates").size());
        Map<String, Double> means = new HashMap<>();
        for (JsonNode a : done.get("aggregates")) {
            String key = a.get("coordinates").get("params.lr").asDouble() + "/" + a.get("coordinates").get("batchSize").asInt();
            List<Double> v = finals.get(key);
            double mean = (v.get(0) + v.get(1)) / 2;
            assertEquals(2, a.get("final").get("n").asInt());
            assertEquals(mean, a.get("final").get("mean").asDouble(), 1e-12, key);
            assertEquals(Math.abs(v.get(0) - v.get(1)) / Math.sqrt(2), a.get("final").get("std").asDouble(), 1e-12, key);
            means.put(key, mean);
        }
        assertNotNull(done.get("best").get("jobId"));

        // The pivot table: rows = lr, cols = batch size.
        String md = new String(api.get("/sweeps/" + id + "/table?rows=params.lr&cols=batchSize&format=md").body());
        String[] lines = md.split("\n");
        assertEquals("| params.lr \\\\ batchSize | 8 | 16 | 32 | 64 |", lines[0]);
        assertEquals("|---|---:|---:|---:|---:|", lines[1]);
        for (int r = 0; r < 3; r++) {
            StringBuilder want = new StringBuilder("| " + LRS.get(r) + " |");
            for (int b : BATCHES) {
                double m = means.get(LRS.get(r) + "/" + b);
                List<Double> v = finals.get(LRS.get(r) + "/" + b);
                want.append(String.format(java.util.Locale.ROOT, " %.4f ± %.4f |", m, Math.abs(v.get(0) - v.get(1)) / Math.sqrt(2)));
            }
            assertEquals(want.toString(), lines[2 + r]);
        }
        String[] csv = new String(api.get("/sweeps/" + id + "/table?rows=params.lr&cols=batchSize&format=csv").body()).split("\n");
        assertEquals(4, csv.length);
        assertEquals("params.lr\\batchSize,8,16,32,64", csv[0]);
        for (int r = 0; r < 3; r++) {
            String[] f = csv[r + 1].split(",");
            assertEquals(Double.toString(LRS.get(r)), f[0]);
            for (int b = 0; b < 4; b++) assertEquals(means.get(LRS.get(r) + "/" + BATCHES.get(b)), Double.parseDouble(f[b + 1]), 1e-12);
        }
        JsonNode table = api.getJson("/sweeps/" + id + "/table?rows=batchSize&cols=params.lr&stat=best");
        assertEquals(4, table.get("values").size());
        assertEquals(3, table.get("values").get(0).size());
        assertEquals(400, api.get("/sweeps/" + id + "/table?rows=params.mu").statusCode());
        assertEquals(400, api.get("/sweeps/" + id + "/table?rows=batchSize&format=xlsx").statusCode());
        assertEquals(400, api.get("/sweeps/" + id + "/table?rows=batchSize&stat=median").statusCode());

        assertTrue(api.getJson("/sweeps").toString().contains(id));
        assertEquals(204, api.send("DELETE", "/sweeps/" + id, null, Map.of()).statusCode());
        assertEquals(404, api.get("/sweeps/" + id).statusCode());
        assertEquals(0, api.getJson("/jobs?sweep=" + id).get("total").asInt(), "the cells' jobs went with the sweep");
    }

    /**
     * A paper that gives only a bound ("0.8 or more") is met by any value beyond it: the table flags a cell only when
     * it falls short of the bound by more than the tolerance, and prints the bound as "≥" / "≤".
     */
    @Test
    void aReferenceBoundIsFlaggedOnlyWhenOursFallsShortOfIt() {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", "bounds");
        req.put("base", base(3));
        req.put("grid", Map.of("params.lr", List.of(0.05, 1e-6)));
        req.put("reference", Map.of("label", "bounds", "values", List.of(
                Map.of("coordinates", Map.of("params.lr", 0.05), "value", 0.2, "bound", "at-least"),
                Map.of("coordinates", Map.of("params.lr", 1e-6), "value", 0.99, "bound", "at-least"),
                Map.of("coordinates", Map.of("params.lr", 1e-6), "metric", "testLoss", "value", 1e-3, "bound", "at-most"))));
        var created = api.post("/sweeps", req);
        assertEquals(201, created.statusCode(), new String(created.body()));
        String id = Api.json(created).get("id").asString();
        assertEquals("DONE", api.awaitSweep(id, Duration.ofMinutes(2)).get("status").asString());
        JsonNode t = api.getJson("/sweeps/" + id + "/table");
        JsonNode cells = t.get("comparison").get("cells");
        for (int i = 0; i < 2; i++) {
            double lr = t.get("rowValues").get(i).get("params.lr").asDouble();
            double ours = t.get("values").get(i).get(0).get("mean").asDouble();
            JsonNode c = cells.get(i).get(0);
            assertEquals("at-least", c.get("bound").asString());
            assertEquals(ours < c.get("reference").asDouble() - 0.01, c.get("flagged").asBoolean(), "lr " + lr + ": ours " + ours);
            assertEquals(lr == 1e-6, c.get("flagged").asBoolean(), "lr " + lr + ": ours " + ours + " against ≥ " + c.get("reference"));
        }
        assertEquals(1, t.get("comparison").get("flagged").asInt());
        String md = new String(api.get("/sweeps/" + id + "/table?format=md").body());
        assertTrue(md.contains("| ≥ 0.2000 |") && md.contains("| ≥ 0.9900 |"), md);
        JsonNode loss = api.getJson("/sweeps/" + id + "/table?metric=testLoss").get("comparison");
        assertEquals(1, loss.get("flagged").asInt(), "lr 1e-6 stays far above a test loss of at most 0.001: " + loss);
    }

    @Test
    void theMedianRulePrunesHopelessCellsAtAnEpochBoundaryAndSaysWhy() {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", "median");
        req.put("base", base(6));
        // lr 1e-6 cannot learn in 6 epochs; lr 0.03 does.
        req.put("grid", Map.of("params.lr", List.of(0.03, 0.03, 0.03, 1e-6, 1e-6)));
        req.put("seeds", List.of(1));
        req.put("maxConcurrent", 1);
        req.put("prune", Map.of("rule", "median", "warmup", 1, "minPeers", 2));
        HttpResponse<byte[]> created = api.post("/sweeps", req);
        assertEquals(201, created.statusCode(), new String(created.body()));
        JsonNode done = api.awaitSweep(Api.json(created).get("id").asString(), Duration.ofMinutes(3));
        JsonNode cells = done.get("cells");
        for (int i = 0; i < 3; i++) assertEquals("SUCCEEDED", cells.get(i).get("status").asString(), cells.get(i).toString());
        for (int i = 3; i < 5; i++) {
            JsonNode c = cells.get(i);
            assertEquals("PRUNED", c.get("status").asString(), c.toString());
            JsonNode why = c.get("pruned");
            assertEquals("median", why.get("rule").asString());
            assertEquals(2, why.get("epoch").asInt(), "pruned at the first epoch after the warmup");
            assertTrue(why.get("value").asDouble() < why.get("threshold").asDouble());
            assertTrue(why.get("reason").asString().startsWith("median rule: at epoch 2, testAccuracy"), why.toString());
            JsonNode job = api.getJson("/jobs/" + c.get("jobId").asString());
            assertEquals("PRUNED", job.get("status").asString());
            assertEquals(2, job.get("epochsDone").asInt());
            assertEquals(2, api.getJson("/jobs/" + c.get("jobId").asString() + "/metrics").size(), "its epochs are kept");
            assertEquals(200, api.get("/jobs/" + c.get("jobId").asString() + "/weights?format=json").statusCode(), "its weights are kept");
            assertTrue(job.get("history").toString().contains("pruned after epoch 2"));
        }
        assertEquals(2, done.get("progress").get("pruned").asInt());
        assertEquals(3 * 6 + 2 * 2, done.get("progress").get("epochsDone").asInt());
        assertEquals(1, api.getJson("/jobs?status=PRUNED&sweep=" + done.get("id").asString()).get("jobs").size() > 0 ? 1 : 0);
    }

    @Test
    void ashaStopsCellsNotInTheTopThirdAtARung() {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", "asha");
        req.put("base", base(5));
        req.put("grid", Map.of("params.lr", List.of(0.03, 1e-6, 1e-6, 0.03)));
        req.put("maxConcurrent", 1);
        req.put("prune", Map.of("rule", "asha", "reduction", 2, "minEpochs", 2));
        HttpResponse<byte[]> created = api.post("/sweeps", req);
        assertEquals(201, created.statusCode(), new String(created.body()));
        JsonNode done = api.awaitSweep(Api.json(created).get("id").asString(), Duration.ofMinutes(3));
        JsonNode cells = done.get("cells");
        assertEquals("SUCCEEDED", cells.get(0).get("status").asString());
        for (int i = 1; i < 3; i++) {
            JsonNode why = cells.get(i).get("pruned");
            assertEquals("PRUNED", cells.get(i).get("status").asString(), cells.get(i).toString());
            assertEquals("asha", why.get("rule").asString());
            assertEquals(2, why.get("epoch").asInt(), "the first rung is minEpochs");
            assertTrue(why.get("reason").asString().startsWith("asha: at rung 0 (epoch 2)"), why.toString());
        }
    }

    @Test
    void cancellingASweepCancelsItsCellsAndReleasesNoMore() {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("base", base(200));
        req.put("grid", Map.of("params.lr", List.of(0.001, 0.002, 0.003, 0.004)));
        req.put("maxConcurrent", 2);
        HttpResponse<byte[]> created = api.post("/sweeps", req);
        assertEquals(201, created.statusCode(), new String(created.body()));
        String id = Api.json(created).get("id").asString();
        assertEquals("sweep of adam", Api.json(created).get("name").asString());
        assertEquals(409, api.send("DELETE", "/sweeps/" + id, null, Map.of()).statusCode(), "a running sweep is cancelled first");
        JsonNode cancelled = Api.json(api.post("/sweeps/" + id + "/cancel", ""));
        assertEquals("CANCELLED", cancelled.get("status").asString());
        for (JsonNode j : api.getJson("/jobs?sweep=" + id).get("jobs")) api.awaitFinal(j.get("id").asString(), Duration.ofMinutes(1));
        JsonNode after = api.getJson("/sweeps/" + id);
        assertEquals(4, after.get("progress").get("cancelled").asInt(), after.get("progress").toString());
        assertEquals(2, api.getJson("/jobs?sweep=" + id).get("total").asInt(), "the two unreleased cells never became jobs");
        assertEquals(409, api.post("/sweeps/" + id + "/cancel", "").statusCode());
        assertEquals(204, api.send("DELETE", "/sweeps/" + id, null, Map.of()).statusCode());
        assertEquals(404, api.post("/sweeps/" + id + "/cancel", "").statusCode());
    }

    @Autowired
    DataSource dataSource;

    /**
     * A cell's job is stamped created only once its release holds the sweep's row lock, so createdAt can be
     * read as the moment it became queued: while another transaction holds that lock, the release that the first
     * cell's end starts waits, and the second cell's createdAt comes after the lock is let go.
     */
    @Test
    void aCellIsStampedCreatedOnlyOnceItsReleaseHoldsTheSweepsLock() throws Exception {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("base", base(2));
        req.put("grid", Map.of("params.lr", List.of(0.01, 0.02)));
        req.put("maxConcurrent", 1);
        HttpResponse<byte[]> created = api.post("/sweeps", req);
        assertEquals(201, created.statusCode(), new String(created.body()));
        String id = Api.json(created).get("id").asString();
        Instant letGo;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT id FROM sweeps WHERE id = ? FOR UPDATE")) {
                lock.setString(1, id);
                lock.executeQuery().close();
            }
            String first = api.getJson("/jobs?sweep=" + id).get("jobs").get(0).get("id").asString();
            assertEquals("SUCCEEDED", api.awaitFinal(first, Duration.ofMinutes(1)).get("status").asString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!someSessionIsBlocked(c)) {
                assertTrue(System.nanoTime() < deadline, "the release after the first cell waits for the sweep's lock");
                Api.sleep(10);
            }
            letGo = Instant.now();
            c.commit();
        }
        JsonNode done = api.awaitSweep(id, Duration.ofMinutes(1));
        assertEquals(2, done.get("progress").get("succeeded").asInt(), done.get("progress").toString());
        String second = done.get("cells").get(1).get("jobId").asString();
        Instant createdAt = Instant.parse(api.getJson("/jobs/" + second).get("createdAt").asString());
        assertFalse(createdAt.isBefore(letGo), "created at " + createdAt + ", the lock was let go at " + letGo);
    }

    private static boolean someSessionIsBlocked(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL");
                ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
