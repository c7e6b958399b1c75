package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.TestData;
import io.nograd.solver.SolverRegistry;
import io.nograd.system.Api;
import io.nograd.system.ChildServer;
import io.nograd.system.ValidationException;
import tools.jackson.databind.JsonNode;

/**
 * A job the memory estimate admits does not run out of memory: for every solver, the largest batch its
 * estimate admits (found here with the validator the server uses, at the server's share of a small heap)
 * trains on a real server started with that heap and {@code -XX:+ExitOnOutOfMemoryError}, so an
 * undercount would kill it; the next batch size up is refused with a 400. The server is a child JVM with
 * {@value #HEAP_MIB} MiB of heap, scaled down from the default heap so the test stays within CI time.
 */
class MemoryEstimateTest {

    static final int HEAP_MIB = 192;
    static final List<Integer> LAYERS = List.of(20, 256, 256, 4);

    static Map<String, Object> spec(String algorithm, int batch) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", "memory " + algorithm);
        s.put("algorithm", algorithm);
        s.put("dataset", "blobs");
        s.put("layers", LAYERS);
        s.put("activation", "relu");
        s.put("epochs", 1);
        s.put("batchSize", batch);
        return s;
    }

    /** The largest batch size in [1, samples] the validator admits with {@code heap} bytes per job, or 0. */
    static int largestAdmitted(JobSpecValidator validator, String algorithm, int samples) {
        int lo = 0;
        int hi = samples;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (admits(validator, algorithm, mid)) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    static boolean admits(JobSpecValidator validator, String algorithm, int batch) {
        try {
            validator.validate(Api.JSON.convertValue(spec(algorithm, batch), JobSpec.class));
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    @Test
    void everySolverAtItsLargestAdmittedBatchTrainsWithinTheHeap() throws Exception {
        Path dir = Files.createTempDirectory("nograd-memory-");
        Path log = dir.resolve("server.log");
        // the child's heap is exactly -Xmx with G1; the server gives one job 0.6 of it
        long share = (long) (HEAP_MIB * 1048576L * 0.6);
        JobSpecValidator validator = new JobSpecValidator(SolverRegistry.builtIn(), TestData.DATASETS, 1, share);
        int samples = TestData.DATASETS.get("blobs").trainSize();
        Process server = ChildServer.start(List.of("-Xmx" + HEAP_MIB + "m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"), dir, log);
        List<String> report = new ArrayList<>();
        try {
            Api api = ChildServer.await(server, log);
            for (String algorithm : List.of("lpom", "sibp", "proxbp", "admm", "ipdlam", "dlam", "bcd", "adam", "amsgrad", "sgd")) {
                int batch = largestAdmitted(validator, algorithm, samples);
                assertTrue(batch > 0, algorithm + ": not even a batch of 1 is admitted");
                if (batch < samples) {
                    var refused = api.post("/jobs", spec(algorithm, batch + 1));
                    assertEquals(400, refused.statusCode(), algorithm + " batch " + (batch + 1) + ": " + new String(refused.body()));
                }
                String id = api.submit(spec(algorithm, batch));
                JsonNode job = api.awaitFinal(id, Duration.ofMinutes(4));
                assertTrue(server.isAlive(), algorithm + " batch " + batch + " took the server down: " + ChildServer.log(log));
                assertEquals("SUCCEEDED", job.get("status").asString(), algorithm + " batch " + batch + ": " + job);
                report.add(algorithm + " " + batch);
            }
        } finally {
            server.destroy();
            server.waitFor();
            System.out.println("largest admitted batch per solver at a " + HEAP_MIB + " MiB heap, all trained: " + report);
        }
    }
}
