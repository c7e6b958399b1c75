package io.nograd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/**
 * Three nograd node JVMs on loopback sharing one real PostgreSQL: jobs spread over the nodes, a sweep's cap
 * holds across them, a WebSocket on one node follows a job on another, a CSV uploaded to one node trains on
 * another, a cancel crosses nodes, a kill -9 of the node running a job hands it to a survivor, and after every
 * node is killed one node alone finishes all the work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessTest {

    static Postgres pg;
    static String url;
    static Path root;
    static List<Node> nodes = new ArrayList<>();
    static List<Integer> hzPorts = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        pg = Postgres.start();
        url = pg.createDatabase("nograd");
        root = Files.createTempDirectory("nograd-cluster-");
        for (int i = 0; i < 3; i++) hzPorts.add(Node.freePort());
        for (int i = 0; i < 3; i++) nodes.add(new Node("node" + (i + 1), hzPorts.get(i), root.resolve("node" + (i + 1))));
        // the first node migrates the schema alone; the others join it
        nodes.get(0).start(url, hzPorts);
        nodes.get(0).awaitUp();
        for (int i = 1; i < 3; i++) nodes.get(i).start(url, hzPorts);
        for (Node n : nodes) n.awaitUp();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (nodes.get(0).api().getJson("/cluster").get("members").size() < 3) {
            assertTrue(System.nanoTime() < deadline, "three members: " + nodes.get(0).api().getJson("/cluster"));
            Api.sleep(200);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Node n : nodes) n.kill();
        if (pg != null) pg.close();
        if (root != null) {
            try (var files = Files.walk(root)) {
                for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    static Map<String, Object> small(String name, int seed) {
        return Map.of("name", name, "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 32, 4), "epochs", 3,
                "batchSize", 32, "trainLimit", 400, "seed", seed, "params", Map.of("lr", 0.01));
    }

    /** A job of {@code epochs} epochs of a few hundred ms each here. */
    static Map<String, Object> slow(String name, int epochs, int seed) {
        return Map.of("name", name, "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 256, 256, 4), "epochs", epochs,
                "batchSize", 8, "trainLimit", 800, "seed", seed, "params", Map.of("lr", 0.001));
    }

    static List<Integer> epochs(Api api, String id) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode row : api.getJson("/jobs/" + id + "/metrics")) out.add(row.get("epoch").asInt());
        return out;
    }

    static Node runningOn(String id, Api api) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = api.getJson("/jobs/" + id);
            if (job.get("status").asString().equals("RUNNING") && job.has("node")) {
                String name = job.get("node").asString();
                return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
            }
            Api.sleep(50);
        }
        throw new AssertionError("job " + id + " did not start: " + api.getJson("/jobs/" + id));
    }

    @Test
    @Order(1)
    void twelveJobsPostedRoundRobinAllSucceedOnSeveralNodes() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) ids.add(nodes.get(i % 3).api().submit(small("rr " + i, i)));
        Set<String> ranOn = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            JsonNode job = nodes.get((i + 1) % 3).api().awaitFinal(ids.get(i), Duration.ofMinutes(2));
            assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
            assertEquals(List.of(1, 2, 3), epochs(nodes.get(i % 3).api(), ids.get(i)));
            ranOn.add(job.get("node").asString());
        }
        assertTrue(ranOn.size() >= 2, "spread over the nodes: " + ranOn);
        JsonNode cluster = nodes.get(1).api().getJson("/cluster");
        assertEquals(3, cluster.get("members").size(), cluster.toString());
        assertEquals("nograd-test", cluster.get("name").asString());
    }

    /**
     * A sweep's cells run on every node, yet never more than maxConcurrent at once: cells end on several nodes
     * at the same time and each node releases the next, under the sweep's row lock in the shared database.
     */
    @Test
    @Order(2)
    void aSweepHoldsMaxConcurrentAcrossTheCluster() {
        Map<String, Object> base = new java.util.HashMap<>(small("cell", 0));
        base.remove("name");
        base.remove("seed");
        base.put("epochs", 2);
        var created = nodes.get(1).api().post("/sweeps", Map.of("name", "across nodes", "base", base,
                "grid", Map.of("params.lr", List.of(0.01, 0.02, 0.03)), "seeds", List.of(1, 2, 3, 4), "maxConcurrent", 2));
        assertEquals(201, created.statusCode(), new String(created.body()));
        String id = Api.json(created).get("id").asString();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode sweep = nodes.get(2).api().getJson("/sweeps/" + id);
        while (sweep.get("status").asString().equals("RUNNING")) {
            assertTrue(System.nanoTime() < deadline, "sweep ends: " + sweep.get("progress"));
            Api.sleep(100);
            sweep = nodes.get(2).api().getJson("/sweeps/" + id);
        }
        assertEquals("DONE", sweep.get("status").asString(), sweep.get("progress").toString());
        assertEquals(12, sweep.get("progress").get("succeeded").asInt());
        JsonNode page = nodes.get(0).api().getJson("/jobs?sweep=" + id + "&limit=100");
        assertEquals(12, page.get("total").asInt());
        List<java.time.Instant[]> spans = new ArrayList<>();
        Set<String> ranOn = new HashSet<>();
        for (JsonNode j : page.get("jobs")) {
            spans.add(new java.time.Instant[] {java.time.Instant.parse(j.get("createdAt").asString()),
                    java.time.Instant.parse(j.get("finishedAt").asString())});
            ranOn.add(j.get("node").asString());
        }
        for (java.time.Instant[] s : spans) {
            long active = spans.stream().filter(o -> !o[0].isAfter(s[0]) && o[1].isAfter(s[0])).count();
            assertTrue(active <= 2, "at " + s[0] + " " + active + " cells were queued or running at once");
        }
        assertTrue(ranOn.size() >= 2, "cells ran on several nodes: " + ranOn);
    }

    @Test
    @Order(3)
    void aWebSocketOnOneNodeSeesEveryEpochOfAJobOnAnother() throws Exception {
        int total = 8;
        String id = nodes.get(2).api().submit(slow("watched", total, 7));
        Node runner = runningOn(id, nodes.get(2).api());
        Node watcher = nodes.stream().filter(n -> n != runner).findFirst().orElseThrow();
        List<JsonNode> messages = Api.followWebSocket(watcher.httpPort, id, Duration.ofSeconds(180));
        List<Integer> seen = new ArrayList<>();
        String last = null;
        for (JsonNode m : messages) {
            if (m.get("type").asString().equals("epoch")) seen.add(m.get("epoch").asInt());
            else last = m.get("status").asString();
        }
        assertEquals(IntStream.rangeClosed(1, total).boxed().toList(), seen, "every epoch once, in order, on " + watcher.name
                + " of a job on " + runner.name);
        assertEquals("SUCCEEDED", last);
    }

    /**
     * A CSV uploaded to one node trains on another: two nodes are kept busy by slow jobs, the upload goes to
     * one of them and the job on it to the other, so only the third node has a free slot to claim it. A
     * delete and a re-upload under the same name through other nodes are seen everywhere.
     */
    @Test
    @Order(4)
    void anUploadOnOneNodeTrainsOnAnother() {
        List<String> busy = List.of(nodes.get(0).api().submit(slow("busy 1", 200, 40)), nodes.get(1).api().submit(slow("busy 2", 200, 41)));
        Node receiver = runningOn(busy.get(0), nodes.get(0).api());
        Node poster = runningOn(busy.get(1), nodes.get(0).api());
        Node free = nodes.stream().filter(n -> n != receiver && n != poster).findFirst().orElseThrow();
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < 200; i++) csv.append(i % 7 * 0.1).append(',').append(i % 5 * 0.2).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        assertEquals(201, upload(receiver, "shared", csv.toString()).statusCode());
        for (Node n : nodes) assertEquals(2, n.api().getJson("/datasets/shared").get("features").asInt(), "listed on " + n.name);

        String id = poster.api().submit(Map.of("name", "on an upload", "algorithm", "adam", "dataset", "shared", "layers", List.of(2, 8, 2),
                "epochs", 3, "seed", 5));
        JsonNode job = free.api().awaitFinal(id, Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
        assertEquals(free.name, job.get("node").asString(), "trained on the node that neither received the upload nor the job");
        assertEquals(List.of(1, 2, 3), epochs(receiver.api(), id));
        for (String b : busy) assertEquals("CANCELLED", cancel(free.api(), b));

        assertEquals(204, poster.api().send("DELETE", "/datasets/shared", null, Map.of()).statusCode());
        assertEquals(404, receiver.api().get("/datasets/shared").statusCode());
        assertEquals(201, upload(free, "shared", "a,b,c,label\n" + "1,2,3,x\n4,5,6,y\n".repeat(10)).statusCode());
        assertEquals(3, receiver.api().getJson("/datasets/shared").get("features").asInt(), "the new upload, not the copy held before");
        String again = receiver.api().submit(Map.of("algorithm", "sgd", "dataset", "shared", "layers", List.of(3, 4, 2), "epochs", 1));
        assertEquals("SUCCEEDED", receiver.api().awaitFinal(again, Duration.ofMinutes(2)).get("status").asString());
        assertEquals(204, free.api().send("DELETE", "/datasets/shared", null, Map.of()).statusCode());
    }

    static java.net.http.HttpResponse<byte[]> upload(Node node, String name, String csv) {
        String form = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--b\r\nContent-Disposition: form-data; "
                + "name=\"file\"; filename=\"d.csv\"\r\n\r\n" + csv + "\r\n--b--\r\n";
        return node.api().send("POST", "/datasets", form.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Content-Type", "multipart/form-data; boundary=b"));
    }

    static String cancel(Api api, String id) {
        JsonNode job = Api.json(api.post("/jobs/" + id + "/cancel", Map.of()));
        if (!job.get("status").asString().equals("CANCELLED")) job = api.awaitFinal(id, Duration.ofSeconds(30));
        return job.get("status").asString();
    }

    @Test
    @Order(5)
    void aCancelOnOneNodeStopsAJobOnAnother() {
        String id = nodes.get(0).api().submit(slow("cancelled", 40, 8));
        Node runner = runningOn(id, nodes.get(0).api());
        Node other = nodes.stream().filter(n -> n != runner).findFirst().orElseThrow();
        long start = System.nanoTime();
        JsonNode job = Api.json(other.api().post("/jobs/" + id + "/cancel", Map.of()));
        if (!job.get("status").asString().equals("CANCELLED")) job = other.api().awaitFinal(id, Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("CANCELLED", job.get("status").asString(), job.toString());
        assertTrue(job.get("epochsDone").asInt() < 40);
        assertTrue(seconds < 5, "stopped within one batch: " + seconds + " s");
    }

    @Test
    @Order(6)
    void aKilledNodesJobsResumeOnASurvivorWithEveryEpochOnce() throws Exception {
        int total = 10;
        Api api = nodes.get(1).api();
        String id = api.submit(slow("failover", total, 9));
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) queued.add(api.submit(small("behind " + i, 100 + i)));
        Node victim = runningOn(id, api);
        Api survivorApi = nodes.stream().filter(n -> n != victim).findFirst().orElseThrow().api();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (survivorApi.getJson("/jobs/" + id).get("epochsDone").asInt() < 2) {
            assertTrue(System.nanoTime() < deadline, "two epochs done");
            Api.sleep(20);
        }
        Api.sleep(150);
        int doneAtKill = survivorApi.getJson("/jobs/" + id).get("epochsDone").asInt();
        long killed = System.nanoTime();
        victim.kill();
        assertTrue(doneAtKill < total, "killed mid-run");
        double failover = -1;
        while (System.nanoTime() - killed < Duration.ofMinutes(2).toNanos()) {
            JsonNode job = survivorApi.getJson("/jobs/" + id);
            if (job.get("attempt").asInt() >= 2 && job.get("status").asString().equals("RUNNING")) {
                failover = (System.nanoTime() - killed) / 1e9;
                break;
            }
            Api.sleep(50);
        }
        assertTrue(failover > 0, "resumed elsewhere: " + survivorApi.getJson("/jobs/" + id));
        System.out.printf("cluster failover: kill -9 to RUNNING on a survivor in %.2f s%n", failover);
        JsonNode job = survivorApi.awaitFinal(id, Duration.ofMinutes(3));
        assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
        assertNotEquals(victim.name, job.get("node").asString());
        assertEquals(IntStream.rangeClosed(1, total).boxed().toList(), epochs(survivorApi, id));
        String history = job.get("history").toString();
        assertTrue(history.contains("node " + victim.name + " left the cluster") && history.contains("resumed from the checkpoint of epoch"), history);
        // Adam's moments came back from the shared database: the survivor's figures are those of a run never interrupted
        assertTrue(history.contains("with the solver's state of that epoch"), history);
        String twin = survivorApi.submit(slow("failover", total, 9));
        JsonNode whole = survivorApi.awaitFinal(twin, Duration.ofMinutes(3));
        assertEquals("SUCCEEDED", whole.get("status").asString(), whole.toString());
        JsonNode resumedRows = survivorApi.getJson("/jobs/" + id + "/metrics");
        JsonNode wholeRows = survivorApi.getJson("/jobs/" + twin + "/metrics");
        for (int e = 0; e < total; e++) {
            assertEquals(wholeRows.get(e).get("trainLoss").asDouble(), resumedRows.get(e).get("trainLoss").asDouble(), 0.0, "train loss, epoch " + (e + 1));
            assertEquals(wholeRows.get(e).get("testLoss").asDouble(), resumedRows.get(e).get("testLoss").asDouble(), 0.0, "test loss, epoch " + (e + 1));
        }
        for (String q : queued) assertEquals("SUCCEEDED", survivorApi.awaitFinal(q, Duration.ofMinutes(2)).get("status").asString());
        // the victim comes back for the last test
        victim.start(url, hzPorts);
        victim.awaitUp();
    }

    @Test
    @Order(7)
    void afterEveryNodeIsKilledOneNodeAloneFinishesEverything() throws Exception {
        Api api = nodes.get(0).api();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(api.submit(slow("restart " + i, 6, 20 + i)));
        for (int i = 0; i < 3; i++) ids.add(api.submit(small("restart small " + i, 30 + i)));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (api.getJson("/jobs/" + ids.get(0)).get("epochsDone").asInt() < 1) {
            assertTrue(System.nanoTime() < deadline, "started");
            Api.sleep(20);
        }
        for (Node n : nodes) n.kill();
        nodes.get(2).start(url, hzPorts);
        Api alone = nodes.get(2).awaitUp();
        for (String id : ids) {
            JsonNode job = alone.awaitFinal(id, Duration.ofMinutes(3));
            assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
            assertEquals(job.get("spec").get("epochs").asInt(), epochs(alone, id).size());
            assertEquals(IntStream.rangeClosed(1, job.get("spec").get("epochs").asInt()).boxed().toList(), epochs(alone, id));
        }
    }
}
