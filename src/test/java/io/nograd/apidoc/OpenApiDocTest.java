package io.nograd.apidoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.nograd.sweeps.SweepRequest;
import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI description equals the committed {@code docs/openapi.json}, so an API change shows up
 * in review. {@code scripts/openapi.sh} (this test with {@code -Dnograd.openapi.write=true}) rewrites the
 * file from the server instead. Also: it is OpenAPI 3.1 with the schemas the clients rely on, and Swagger
 * UI is served beside it.
 */
class OpenApiDocTest extends ServerTest {

    static final Path COMMITTED = Path.of("docs/openapi.json");

    @Test
    void servedDescriptionMatchesTheCommittedOne() throws Exception {
        var r = api.get("/v3/api-docs");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode served = Api.json(r);
        if (Boolean.getBoolean("nograd.openapi.write")) {
            Files.writeString(COMMITTED, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n");
            System.out.println("OpenApiDocTest: wrote " + COMMITTED.toAbsolutePath());
        }
        assertTrue(served.get("openapi").asString().startsWith("3.1"), "OpenAPI 3.1: " + served.get("openapi"));
        JsonNode schemas = served.get("components").get("schemas");
        for (String s : List.of("JobSpec", "Job", "JobPage", "EpochMetrics", "Problem", "DatasetInfo", "Algorithm", "ParamInfo", "Prediction", "SweepRequest")) {
            assertTrue(schemas.has(s), "schema " + s + " in " + schemas.propertyNames());
        }
        assertEquals("#/components/schemas/JobSpec", served.at("/paths/~1jobs/post/requestBody/content/application~1json/schema/$ref").asString(),
                "POST /jobs declares its JobSpec body");
        assertEquals("#/components/schemas/SweepRequest", served.at("/paths/~1sweeps/post/requestBody/content/application~1json/schema/$ref").asString(),
                "POST /sweeps declares its SweepRequest body");
        assertEquals("#/components/schemas/JobSpec", served.at("/components/schemas/SweepRequest/properties/base/$ref").asString(), "a sweep's base");
        assertEquals(Arrays.stream(SweepRequest.class.getRecordComponents()).map(RecordComponent::getName).sorted().toList(),
                served.at("/components/schemas/SweepRequest/properties").propertyNames().stream().sorted().toList(),
                "the written-out SweepRequest schema has the record's fields");
        assertTrue(served.at("/paths/~1datasets/post/requestBody/content/multipart~1form-data/schema/properties/file").isObject(),
                "POST /datasets declares its multipart form");
        // Every POST that reads a body declares it; the others read none (their input is the path and the query).
        Set<String> bodiless = Set.of("/jobs/{id}/cancel", "/sweeps/{id}/cancel", "/reproductions/{id}/runs");
        for (String path : served.get("paths").propertyNames()) {
            JsonNode post = served.get("paths").get(path).get("post");
            if (post != null) assertEquals(!bodiless.contains(path), post.has("requestBody"), "POST " + path + " declares a request body");
        }
        assertTrue(Files.isRegularFile(COMMITTED), "docs/openapi.json is missing: run scripts/openapi.sh");
        JsonNode committed = Api.JSON.readTree(Files.readString(COMMITTED));
        if (!served.equals(committed)) {
            List<String> diff = new ArrayList<>();
            differences("", committed, served, diff);
            throw new AssertionError("docs/openapi.json differs from the served description (run scripts/openapi.sh and review the diff):\n  "
                    + String.join("\n  ", diff.subList(0, Math.min(diff.size(), 30))));
        }
        var ui = api.get("/swagger-ui/index.html");
        assertEquals(200, ui.statusCode(), "Swagger UI");
    }

    /** Paths where the two trees differ, to make the failure readable. */
    private static void differences(String at, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || b == null || a.isObject() != b.isObject()) {
            out.add(at + ": " + (a == null ? "added" : b == null ? "removed" : "changed"));
            return;
        }
        if (!a.isObject()) {
            if (!a.equals(b)) out.add(at + ": " + a + " -> " + b);
            return;
        }
        for (String k : a.propertyNames()) differences(at + "/" + k, a.get(k), b.get(k), out);
        for (String k : b.propertyNames()) if (!a.has(k)) out.add(at + "/" + k + ": added");
    }
}
