package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** The bounded queue under load: 200 concurrent POSTs against 5 places. */
class QueueTest extends ServerTest {

    @Test
    void twoHundredConcurrentPostsAreEach201Or429AndNoJobIsLostOrDuplicated() throws Exception {
        long before = api.getJson("/jobs?limit=1").get("total").asLong();
        Map<String, Object> spec = new java.util.HashMap<>(spirals(1));
        spec.put("trainLimit", 64);
        spec.put("name", "load");
        List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            for (int i = 0; i < 200; i++) answers.add(pool.submit(() -> api.post("/jobs", spec)));
            Set<String> accepted = new HashSet<>();
            int refused = 0;
            for (Future<HttpResponse<byte[]>> f : answers) {
                HttpResponse<byte[]> r = f.get();
                if (r.statusCode() == 201) {
                    String id = Api.json(r).get("id").asString();
                    assertTrue(accepted.add(id), "duplicate id " + id);
                    assertTrue(r.headers().firstValue("Location").orElseThrow().endsWith("/jobs/" + id));
                } else {
                    assertEquals(429, r.statusCode(), new String(r.body()));
                    assertTrue(r.headers().firstValue("Retry-After").isPresent());
                    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().contains("problem+json"));
                    refused++;
                }
            }
            assertEquals(200, accepted.size() + refused);
            assertTrue(refused > 0, "a queue of 5 refuses some of 200 simultaneous jobs");
            assertTrue(accepted.size() >= 5, "at least the 5 places were filled: " + accepted.size());

            for (String id : accepted) assertEquals("SUCCEEDED", api.awaitFinal(id, Duration.ofMinutes(3)).get("status").asString());
            JsonNode page = api.getJson("/jobs?limit=500&status=SUCCEEDED");
            Set<String> listed = new HashSet<>();
            for (JsonNode j : page.get("jobs")) listed.add(j.get("id").asString());
            assertTrue(listed.containsAll(accepted), "every accepted job is in the history");
            assertEquals(before + accepted.size(), api.getJson("/jobs?limit=1").get("total").asLong(), "no refused job was stored");
            assertEquals(200, api.get("/actuator/health").statusCode());
        } finally {
            pool.shutdownNow();
        }
    }
}
