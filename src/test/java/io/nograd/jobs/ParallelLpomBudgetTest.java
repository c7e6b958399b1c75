package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.system.ServerTest;

/**
 * One job at a time (the shared server's concurrency 1): a serial job's products get all the cores, a
 * parallel LPOM's layer threads each run single-threaded BLAS (the job's cores = its layer threads here).
 */
class ParallelLpomBudgetTest extends ServerTest {

    @Test
    void parallelLpomRunsSingleThreadedBlasAndASerialJobGetsEveryCore() {
        int cores = Runtime.getRuntime().availableProcessors();
        int idle = api.getJson("/actuator/info").get("nograd").get("blasThreads").get("live").asInt();
        if (cores >= 2) assertEquals(1, BudgetProbe.liveCountWhileRunning(api, api.submit(lpom(true))));
        assertEquals(cores, BudgetProbe.liveCountWhileRunning(api, api.submit(lpom(false))));
        assertEquals(idle, api.getJson("/actuator/info").get("nograd").get("blasThreads").get("live").asInt());
    }

    private static Map<String, Object> lpom(boolean parallel) {
        return Map.of("name", "budget lpom", "algorithm", "lpom", "dataset", "spirals", "layers", List.of(2, 64, 64, 64, 2),
                "activation", "relu", "loss", "mse", "epochs", 2000, "batchSize", 100, "seed", 3, "params", Map.of("parallel", parallel));
    }
}
