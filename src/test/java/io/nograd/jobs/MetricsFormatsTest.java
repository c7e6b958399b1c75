package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** The JSON and CSV forms of a job's epoch rows carry the same fields and values, diagnostics included. */
class MetricsFormatsTest extends ServerTest {

    @Test
    void csvHasEveryJsonFieldAndEveryDiagnosticEntry() {
        Map<String, Object> spec = new LinkedHashMap<>(spirals(2));
        spec.put("algorithm", "lpom");
        spec.put("params", Map.of());
        String id = api.submit(spec);
        assertEquals("SUCCEEDED", api.awaitFinal(id, Duration.ofSeconds(120)).get("status").asString());
        JsonNode rows = api.getJson("/jobs/" + id + "/metrics");
        String[] lines = new String(api.get("/jobs/" + id + "/metrics?format=csv").body(), StandardCharsets.UTF_8).split("\n");
        List<String> header = Arrays.asList(lines[0].split(","));
        assertEquals(List.of("epoch", "epochs", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "seconds", "objective"),
                header.subList(0, 8), "the scalar fields first, in the record's order");
        assertEquals(rows.size() + 1, lines.length);
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            String[] cells = lines[r + 1].split(",", -1);
            assertEquals(header.size(), cells.length);
            for (int c = 0; c < header.size(); c++) {
                String col = header.get(c);
                int bracket = col.indexOf('[');
                JsonNode v = bracket < 0 ? row.get(col)
                        : row.get("diagnostics").get(col.substring(0, bracket)).get(Integer.parseInt(col.substring(bracket + 1, col.length() - 1)) - 1);
                assertEquals(v.asDouble(), Double.parseDouble(cells[c]), 0.0, col + " of epoch " + (r + 1));
            }
        }
        assertTrue(header.contains("relativeResiduals[2]") && header.contains("weightSpectralNorms[1]"), header.toString());
    }
}
