package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.nograd.system.Api;

/**
 * The per-job thread budget with two jobs at once: each job gets cores / 2 threads, so the live BLAS
 * thread count (OpenBLAS's, read over HTTP) while two jobs run is cores / 2 (1 on the 2-core machines),
 * and it returns to the start-up count when they end.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"nograd.jobs.queue-capacity=5", "nograd.jobs.concurrency=2"})
class ThreadBudgetTest {

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("nograd-budget-");
        registry.add("nograd.data-dir", dir::toString);
    }

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, null);
    }

    @Test
    void withConcurrencyTwoTheLiveBlasThreadCountDuringAJobIsTheJobsShare() {
        int idle = live();
        String first = api.submit(longJob("adam"));
        String second = api.submit(longJob("sgd"));
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertEquals(share, BudgetProbe.liveCountWhileRunning(api, first));
        assertEquals(share, BudgetProbe.liveCountWhileRunning(api, second));
        assertEquals(idle, live(), "the start-up count is back once no job runs");
    }

    private int live() {
        return api.getJson("/actuator/info").get("nograd").get("blasThreads").get("live").asInt();
    }

    /** A gradient job on the spirals long enough to be caught running (it is cancelled once read). */
    static Map<String, Object> longJob(String algorithm) {
        return Map.of("name", "budget " + algorithm, "algorithm", algorithm, "dataset", "spirals", "layers", List.of(2, 64, 64, 2),
                "activation", "tanh", "loss", "cross-entropy", "epochs", 2000, "batchSize", 16, "seed", 3, "params", Map.of("lr", 0.01));
    }
}
