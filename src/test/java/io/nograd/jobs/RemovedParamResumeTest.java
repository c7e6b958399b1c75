package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ChildServer;
import tools.jackson.databind.JsonNode;

/**
 * A database from before V10, where DLAM took {@code params.fistaIterations}: a DLAM job queued, one that was
 * running when the server stopped, one that ended, and a running sweep with a DLAM cell not released yet, all
 * stored with the parameter DLAM no longer takes. The server started on it migrates (V10), then runs the queued
 * job, resumes the running one and releases the cell, each to SUCCEEDED; the ended job keeps the spec it ran with.
 */
public class RemovedParamResumeTest {

    static final int EPOCHS = 3;

    @Test
    void storedDlamSpecsWithFistaIterationsRunAfterTheMigration() throws Exception {
        Path dir = Files.createTempDirectory("nograd-v10-");
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("nograd");
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").target("9").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            seedV9(c);
        }

        Path log = dir.resolve("server.log");
        Process server = ChildServer.start(dir, log);
        try {
            Api api = ChildServer.await(server, log);
            for (String id : List.of("v10-queued", "v10-running")) {
                JsonNode job = api.awaitFinal(id, Duration.ofMinutes(3));
                assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
                assertFalse(job.get("spec").get("params").has("fistaIterations"), job.toString());
                List<Integer> epochs = new ArrayList<>();
                for (JsonNode row : api.getJson("/jobs/" + id + "/metrics")) epochs.add(row.get("epoch").asInt());
                assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), epochs, "epochs of " + id);
            }
            assertTrue(api.getJson("/jobs/v10-running").get("history").toString().contains("server stopped while it was running"));
            JsonNode ended = api.getJson("/jobs/v10-ended");
            assertEquals(50, ended.get("spec").get("params").get("fistaIterations").asInt(), "an ended job keeps the spec it ran with");

            JsonNode sweep = api.awaitSweep("v10-sweep", Duration.ofMinutes(3));
            assertEquals("DONE", sweep.get("status").asString(), sweep.toString());
            JsonNode cell = api.getJson("/jobs?sweep=v10-sweep").get("jobs").get(0);
            assertEquals("SUCCEEDED", cell.get("status").asString(), cell.toString());
            assertTrue(ChildServer.log(log).contains("removed params.fistaIterations"), "the migration says what it changed");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /**
     * The rows of a V9 database this test (and the same migration on PostgreSQL, {@code cluster.V10OnPostgresTest})
     * starts from: DLAM jobs queued ({@code v10-queued}), running ({@code v10-running}) and ended ({@code v10-ended}),
     * and a running sweep ({@code v10-sweep}) whose one cell is not released yet, every spec with
     * {@code params.fistaIterations}.
     */
    public static void seedV9(Connection c) throws Exception {
        insertJob(c, "v10-queued", "QUEUED", 0);
        insertJob(c, "v10-running", "RUNNING", 1);
        insertJob(c, "v10-ended", "SUCCEEDED", 1);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO sweeps (id, name, status, request, max_concurrent, cell_count, created_at)
                VALUES ('v10-sweep', 'old dlam sweep', 'RUNNING', ?, 1, 1, ?)""")) {
            s.setString(1, "{\"name\": \"old dlam sweep\", \"base\": " + spec("old dlam sweep") + ", \"grid\": {\"seed\": [1]}, \"maxConcurrent\": 1}");
            s.setTimestamp(2, Timestamp.from(Instant.now()));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO sweep_cells (sweep_id, idx, release_rank, coordinates, spec) VALUES ('v10-sweep', 0, 0, '{"seed": 1}', ?)""")) {
            s.setString(1, spec("old dlam sweep"));
            s.executeUpdate();
        }
    }

    /** A DLAM spec as the server stored it before V10: defaults filled in, with the output step's MFISTA iterations. */
    private static String spec(String name) {
        return """
                {"name": "%s", "algorithm": "dlam", "dataset": "blobs", "task": "classification", "layers": [20, 16, 4],
                 "activation": "relu", "loss": "mse", "epochs": %d, "trainLimit": 400, "seed": 1,
                 "params": {"fistaIterations": 50}}""".formatted(name, EPOCHS);
    }

    private static void insertJob(Connection c, String id, String status, int attempt) throws Exception {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO jobs (id, name, algorithm, dataset, status, spec, created_at, started_at, finished_at, epochs_done, attempt)
                VALUES (?, ?, 'dlam', 'blobs', ?, ?, ?, ?, ?, ?, ?)""")) {
            Timestamp now = Timestamp.from(Instant.now());
            boolean ended = status.equals("SUCCEEDED");
            s.setString(1, id);
            s.setString(2, id);
            s.setString(3, status);
            s.setString(4, spec(id));
            s.setTimestamp(5, now);
            s.setTimestamp(6, attempt > 0 ? now : null);
            s.setTimestamp(7, ended ? now : null);
            s.setInt(8, ended ? EPOCHS : 0);
            s.setInt(9, attempt);
            s.executeUpdate();
        }
    }
}
