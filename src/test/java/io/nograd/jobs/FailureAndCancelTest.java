package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** A diverging run, a cancelled run and the queue position, over HTTP. */
class FailureAndCancelTest extends ServerTest {

    @Test
    void aDivergingRunFailsNamingTheEpochAndTheParameterAndKeepsItsLastGoodWeights() {
        // SGD with lr 20 and momentum 0.9 on blobs in float64: finite for 3 epochs, then the loss overflows in
        // epoch 4 (float32's smaller range overflows already in epoch 1).
        String id = api.submit(Map.of("name", "diverge", "algorithm", "sgd", "dataset", "blobs", "layers", List.of(20, 64, 4),
                "activation", "relu", "loss", "mse", "epochs", 6, "batchSize", 100, "seed", 1,
                "params", Map.of("lr", 20, "momentum", 0.9, "precision", "float64")));
        JsonNode job = api.awaitFinal(id, Duration.ofMinutes(2));
        assertEquals("FAILED", job.get("status").asString());
        String error = job.get("error").asString();
        assertTrue(error.contains("epoch 4") && error.contains("params.lr"), error);
        assertEquals(3, job.get("epochsDone").asInt());
        assertEquals(200, api.get("/jobs/" + id + "/weights?format=safetensors").statusCode(), "the last good weights stay downloadable");
        assertEquals(3, api.getJson("/jobs/" + id + "/metrics").size());
    }

    @Test
    void cancelKeepsTheEpochsDoneAndQueuedJobsShowTheirPlace() {
        Map<String, Object> spec = Map.of("name", "long", "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 256, 256, 4),
                "epochs", 500, "batchSize", 8, "trainLimit", 800, "seed", 2);
        String running = api.submit(spec);
        String queued = api.submit(spec);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (api.getJson("/jobs/" + running).get("epochsDone").asInt() < 1 && System.nanoTime() < deadline) Api.sleep(20);
        JsonNode waiting = api.getJson("/jobs/" + queued);
        assertEquals("QUEUED", waiting.get("status").asString());
        assertEquals(1, waiting.get("queuePosition").asInt());
        assertEquals(409, api.send("DELETE", "/jobs/" + running, null, Map.of()).statusCode(), "a running job cannot be deleted");

        assertEquals("CANCELLED", Api.json(api.post("/jobs/" + queued + "/cancel", "")).get("status").asString());
        api.post("/jobs/" + running + "/cancel", "");
        JsonNode cancelled = api.awaitFinal(running, Duration.ofSeconds(30));
        assertEquals("CANCELLED", cancelled.get("status").asString());
        int done = cancelled.get("epochsDone").asInt();
        assertTrue(done >= 1 && done < 500, "epochs kept: " + done);
        assertEquals(done, api.getJson("/jobs/" + running + "/metrics").size());
        assertEquals(200, api.get("/jobs/" + running + "/weights?format=npz").statusCode());
        assertEquals(204, api.send("DELETE", "/jobs/" + running, null, Map.of()).statusCode());
        assertEquals(404, api.get("/jobs/" + running + "/weights").statusCode());
    }
}
