package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/** Reads the live BLAS thread count from {@code GET /actuator/info} while a job is certainly running. */
final class BudgetProbe {

    private BudgetProbe() {
    }

    /**
     * Waits until job {@code id} is in its epochs (RUNNING with one stored, so past its set-up), reads the
     * live count, checks the job still ran after the read, cancels it.
     */
    static int liveCountWhileRunning(Api api, String id) {
        return liveCountWhileRunning(api, id, () -> { });
    }

    /** The same, also running {@code check} while the job certainly runs (before the count is read). */
    static int liveCountWhileRunning(Api api, String id, Runnable check) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!training(api, id)) {
            if (System.nanoTime() > deadline) throw new AssertionError("job " + id + " never ran: " + api.getJson("/jobs/" + id));
            Api.sleep(20);
        }
        check.run();
        int live = api.getJson("/actuator/info").get("nograd").get("blasThreads").get("live").asInt();
        assertEquals("RUNNING", status(api, id), "the job was still running after the count was read");
        api.post("/jobs/" + id + "/cancel", java.util.Map.of());
        assertEquals("CANCELLED", api.awaitFinal(id, Duration.ofMinutes(1)).get("status").asString());
        return live;
    }

    private static boolean training(Api api, String id) {
        JsonNode job = api.getJson("/jobs/" + id);
        return job.get("status").asString().equals("RUNNING") && job.get("epochsDone").asInt() >= 1;
    }

    private static String status(Api api, String id) {
        JsonNode job = api.getJson("/jobs/" + id);
        return job.get("status").asString();
    }
}
