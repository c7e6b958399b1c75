package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/**
 * A job never stays RUNNING with no worker: not when the first lines of its run throw, not when recording
 * its end throws (twice), and a job left RUNNING anyway is ended by cancel; stored messages are cut to
 * their column; a run over its wall-time budget ends FAILED saying so. Faults are injected into the real
 * repository with a spy; everything else is the real server over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "nograd.jobs.max-duration=3s")
class DurabilityTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @MockitoSpyBean
    JobRepository repo;

    /** The next run's first read of its job throws; jobs whose first two {@code finish} calls throw. */
    static final AtomicBoolean FAIL_NEXT_START = new AtomicBoolean();
    static final Map<String, AtomicInteger> FAIL_FINISH = new ConcurrentHashMap<>();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        Path dir = Files.createTempDirectory("nograd-durability-");
        registry.add("nograd.data-dir", dir::toString);
    }

    Api api() {
        return new Api("http://127.0.0.1:" + port, null);
    }

    void inject() {
        doAnswer(inv -> {
            if (Thread.currentThread().getName().startsWith("nograd-job-") && FAIL_NEXT_START.compareAndSet(true, false)) {
                throw new DataIntegrityViolationException("injected: the first read of the run fails");
            }
            return inv.callRealMethod();
        }).when(repo).find(any());
        doAnswer(inv -> {
            AtomicInteger left = FAIL_FINISH.get((String) inv.getArgument(0));
            if (left != null && left.getAndDecrement() > 0) throw new DataIntegrityViolationException("injected: recording the end fails");
            return inv.callRealMethod();
        }).when(repo).finish(any(), anyInt(), any(), any(), any(), any());
    }

    static Map<String, Object> spec(String name) {
        return Map.of("name", name, "algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 1);
    }

    @Test
    void aFailureInTheRunsFirstLinesEndsTheJob() {
        inject();
        FAIL_NEXT_START.set(true);
        String job = api().submit(spec("start fails"));
        JsonNode end = api().awaitFinal(job, Duration.ofMinutes(1));
        assertEquals("FAILED", end.get("status").asString(), end.toString());
        assertEquals(204, api().send("DELETE", "/jobs/" + job, null, Map.of()).statusCode());
    }

    @Test
    void aFailureRecordingTheEndTwiceStillEndsTheJob() {
        inject();
        String job = api().submit(Map.of("name", "end fails", "algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2),
                "epochs", 400, "trainLimit", 200));
        FAIL_FINISH.put(job, new AtomicInteger(2));
        JsonNode end = api().awaitFinal(job, Duration.ofMinutes(2));
        assertEquals("FAILED", end.get("status").asString(), end.toString());
        assertTrue(end.get("error").asString().contains("internal error"), end.toString());
        assertEquals(204, api().send("DELETE", "/jobs/" + job, null, Map.of()).statusCode());
    }

    @Test
    void cancelEndsARunningJobThatNoWorkerHolds() {
        String job = api().submit(spec("orphan"));
        api().awaitFinal(job, Duration.ofMinutes(1));
        Api.sleep(1000); // the worker lets go of the job just after recording its end
        // what a run that died without recording its end leaves behind
        jdbc.sql("UPDATE jobs SET status = 'RUNNING', finished_at = NULL WHERE id = :id").param("id", job).update();
        var r = api().post("/jobs/" + job + "/cancel", "");
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertEquals("CANCELLED", Api.json(r).get("status").asString());
        assertEquals(204, api().send("DELETE", "/jobs/" + job, null, Map.of()).statusCode());
    }

    @Test
    void aMessageLongerThanItsColumnIsStoredCut() {
        String job = api().submit(spec("long message"));
        api().awaitFinal(job, Duration.ofMinutes(1));
        jdbc.sql("UPDATE jobs SET status = 'RUNNING' WHERE id = :id").param("id", job).update();
        String error = "x".repeat(10_000);
        int attempt = api().getJson("/jobs/" + job).get("attempt").asInt();
        assertTrue(repo.finish(job, attempt, JobStatus.FAILED, error, Instant.now(), "h".repeat(10_000)));
        String stored = api().getJson("/jobs/" + job).get("error").asString();
        assertTrue(stored.length() <= 4000 && stored.startsWith("xxx"), "stored " + stored.length() + " characters");
    }

    @Test
    void aJobOverItsWallTimeBudgetFailsSayingSo() {
        String job = api().submit(Map.of("name", "too long", "algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 64, 64, 2),
                "epochs", 100_000, "batchSize", 1));
        JsonNode end = api().awaitFinal(job, Duration.ofMinutes(2));
        assertEquals("FAILED", end.get("status").asString(), end.toString());
        assertTrue(end.get("error").asString().contains("wall-time budget") && end.get("error").asString().contains("nograd.jobs.max-duration"),
                end.toString());
    }

    @Test
    void aSpecOverTheComputeBudgetIsRefusedUpFront() {
        var r = api().post("/jobs", Map.of("algorithm", "sgd", "dataset", "spirals", "layers", List.of(2, 4096, 4096, 4096, 2),
                "epochs", 100_000, "batchSize", 1));
        assertEquals(400, r.statusCode(), new String(r.body()));
        assertTrue(new String(r.body()).contains("nograd.jobs.max-work"), new String(r.body()));
    }
}
