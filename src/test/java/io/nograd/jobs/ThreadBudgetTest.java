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

import io.nograd.nn.Passes;
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

    /**
     * A lifted solver's element-wise passes ({@link Passes}) keep to the same share: with one thread per job they run on
     * the job's own thread, so no pass worker is alive while two SIBP jobs (50 000-entry passes, above one chunk) run.
     */
    @Test
    void withConcurrencyTwoALiftedSolversPassesMakeNoThreadOfTheirOwn() {
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        // workers of earlier tests in this JVM end once idle (Passes.KEEP_ALIVE_NANOS)
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Passes.liveWorkers() > 0 && System.nanoTime() < deadline) Api.sleep(100);
        String first = api.submit(liftedJob());
        String second = api.submit(liftedJob());
        Runnable noWorker = () -> assertEquals(share == 1 ? 0 : Passes.liveWorkers(), Passes.liveWorkers(), "pass workers alive");
        assertEquals(share, BudgetProbe.liveCountWhileRunning(api, first, noWorker));
        assertEquals(share, BudgetProbe.liveCountWhileRunning(api, second, noWorker));
    }

    /** SIBP on the spirals with 500 × 100 hidden passes, long enough to be caught running. */
    private static Map<String, Object> liftedJob() {
        return Map.of("name", "budget sibp", "algorithm", "sibp", "dataset", "spirals", "layers", List.of(2, 500, 2),
                "activation", "relu", "loss", "cross-entropy", "epochs", 2000, "batchSize", 100, "seed", 3, "params", Map.of());
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
