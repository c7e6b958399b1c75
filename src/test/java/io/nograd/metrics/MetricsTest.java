package io.nograd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.nograd.data.DatasetRegistry;
import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code /actuator/prometheus} while a job runs, another waits and an SSE client follows: queue
 * length, jobs by status, the epoch-time histogram, live subscribers and the running job's heap estimate
 * beside the budget and the JVM's heap use. Then the weights' provenance and the worker's logging context.
 */
@ExtendWith(OutputCaptureExtension.class)
class MetricsTest extends ServerTest {

    @Autowired
    DatasetRegistry datasets;

    @Test
    void prometheusShowsARunningJob(CapturedOutput output) throws Exception {
        String running = api.submit(spirals(50_000));
        String waiting = api.submit(spirals(3));
        await(() -> api.getJson("/jobs/" + running).get("epochsDone").asInt() >= 3, "3 epochs of the running job");

        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<Stream<String>>> sse = http.sendAsync(
                HttpRequest.newBuilder(URI.create(api.base() + "/jobs/" + running + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        await(() -> value(scrape(), "nograd_live_subscribers").orElse(0) >= 1, "the SSE client counted");

        String text = scrape();
        assertTrue(value(text, "nograd_jobs_queued").orElse(0) >= 1, "the waiting job is queued:\n" + text);
        assertTrue(value(text, "nograd_jobs{status=\"RUNNING\"}").orElse(0) >= 1, text);
        assertTrue(value(text, "nograd_jobs{status=\"QUEUED\"}").orElse(0) >= 1, text);
        assertTrue(value(text, "nograd_epoch_seconds_count{algorithm=\"adam\"}").orElse(0) >= 3, text);
        assertTrue(value(text, "nograd_epoch_seconds_sum{algorithm=\"adam\"}").orElse(0) > 0, text);
        assertTrue(text.contains("nograd_epoch_seconds_bucket{algorithm=\"adam\",le=\""), "a histogram: " + text);
        double estimate = value(text, "nograd_job_heap_estimate_bytes{algorithm=\"adam\",job=\"" + running + "\"}").orElse(0);
        double budget = value(text, "nograd_job_heap_budget_bytes").orElse(0);
        assertTrue(estimate > 0 && estimate < budget, "estimate " + estimate + " within the budget " + budget);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"")), "the JVM's heap use beside it");

        sse.cancel(true);
        api.post("/jobs/" + waiting + "/cancel", "");
        api.post("/jobs/" + running + "/cancel", "");
        api.awaitFinal(running, Duration.ofMinutes(1));
        await(() -> value(scrape(), "nograd_job_heap_estimate_bytes{algorithm=\"adam\",job=\"" + running + "\"}").isEmpty(),
                "the ended job's heap gauge removed");

        // Provenance: the whole validated spec, the dataset's name and digest, the nograd version.
        JsonNode job = api.getJson("/jobs/" + running);
        String sha = datasets.sha256(datasets.get("spirals"));
        assertEquals(64, sha.length());
        JsonNode meta = safetensorsMetadata(api.get("/jobs/" + running + "/weights").body());
        assertEquals(job.get("spec"), Api.JSON.readTree(meta.get("spec").asString()), "the whole validated spec");
        assertEquals(32, Api.JSON.readTree(meta.get("spec").asString()).get("batchSize").asInt());
        assertEquals("spirals", meta.get("datasetName").asString());
        assertEquals(sha, meta.get("datasetSha256").asString());
        assertEquals("0.1.0", meta.get("nogradVersion").asString());
        JsonNode asJson = Api.json(api.get("/jobs/" + running + "/weights?format=json"));
        assertEquals(sha, asJson.get("datasetSha256").asString());
        assertEquals(job.get("spec"), asJson.get("spec"));

        // The worker's log lines carry the job id.
        assertTrue(output.getAll().lines().anyMatch(l -> l.contains("[job " + running + "]") && l.contains("job " + running + " starts")),
                "a worker log line with the job id in its context");
    }

    private String scrape() {
        HttpResponse<byte[]> r = api.get("/actuator/prometheus");
        assertEquals(200, r.statusCode());
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The sample named exactly {@code series} (name and labels as printed), if present. */
    static OptionalDouble value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst();
    }

    private static JsonNode safetensorsMetadata(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Api.JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8)).get("__metadata__");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "timed out waiting for " + what);
            Api.sleep(100);
        }
    }
}
