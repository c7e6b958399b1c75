package io.nograd.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** Bad sweeps: each is a 400 problem+json naming the offending path, and nothing (no sweep, no job) is created. */
class BadSweepsTest extends ServerTest {

    record Bad(String what, Object body, String field) {
    }

    static Map<String, Object> sweep(Object grid) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("base", SweepTest.base(2));
        if (grid != null) r.put("grid", grid);
        return r;
    }

    static Map<String, Object> with(Map<String, Object> r, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(r);
        out.put(key, value);
        return out;
    }

    @Test
    void everyBadSweepIsA400NamingThePathAndCreatesNothing() {
        Map<String, Object> ok = sweep(Map.of("params.lr", List.of(0.01, 0.02)));
        Map<String, Object> badBase = new LinkedHashMap<>(SweepTest.base(2));
        badBase.put("layers", List.of(3, 16, 2));
        List<Bad> bad = new ArrayList<>();
        bad.add(new Bad("unknown path", sweep(Map.of("params.lr", List.of(0.01), "lerning", List.of(1))), "grid['lerning']"));
        bad.add(new Bad("nested unknown path", sweep(Map.of("init.colour", List.of(1))), "grid['init.colour']"));
        bad.add(new Bad("unknown solver param", sweep(Map.of("params.mu", List.of(1.0, 2.0))), "cells[0].params.mu"));
        bad.add(new Bad("empty list", sweep(Map.of("params.lr", List.of())), "grid['params.lr']"));
        bad.add(new Bad("not a list", sweep(Map.of("params.lr", 0.01)), "grid.params.lr"));
        bad.add(new Bad("null value", sweep(Map.of("params.lr", java.util.Arrays.asList(0.01, null))), "grid['params.lr'][1]"));
        bad.add(new Bad("wrong type for epochs", sweep(Map.of("epochs", List.of("ten"))), "cells[0].epochs"));
        bad.add(new Bad("wrong type for layers", sweep(Map.of("layers", List.of(List.of(2, "x", 2)))), "cells[0].layers[1]"));
        bad.add(new Bad("one invalid cell (lr out of range)", sweep(Map.of("params.lr", List.of(0.01, -1.0))), "cells[1].params.lr"));
        bad.add(new Bad("one invalid cell (layers)", sweep(Map.of("layers", List.of(List.of(2, 8, 2), List.of(2, 8, 3)))), "cells[1].layers[2]"));
        bad.add(new Bad("unknown activation", sweep(Map.of("activation", List.of("tanh", "swish9"))), "cells[1].activation"));
        bad.add(new Bad("epochs out of range", sweep(Map.of("epochs", List.of(0))), "cells[0].epochs"));
        bad.add(new Bad("invalid base", with(sweep(Map.of("params.lr", List.of(0.01))), "base", badBase), "base.layers[0]"));
        bad.add(new Bad("no base", with(sweep(Map.of("params.lr", List.of(0.01))), "base", null), "base"));
        bad.add(new Bad("nothing swept", sweep(null), "grid"));
        bad.add(new Bad("too many cells", sweep(Map.of("params.lr", range(40), "batchSize", range(30).stream().map(d -> (int) (d * 1000) + 1).toList())), "grid"));
        bad.add(new Bad("too many seeds × grid", with(sweep(Map.of("params.lr", range(20))), "seeds", java.util.stream.LongStream.rangeClosed(1, 60).boxed().toList()), "grid"));
        bad.add(new Bad("seed in grid", sweep(Map.of("seed", List.of(1, 2))), "grid['seed']"));
        bad.add(new Bad("duplicate seeds", with(ok, "seeds", List.of(1, 1)), "seeds"));
        bad.add(new Bad("empty seeds", with(ok, "seeds", List.of()), "seeds"));
        bad.add(new Bad("maxConcurrent 0", with(ok, "maxConcurrent", 0), "maxConcurrent"));
        bad.add(new Bad("maxConcurrent above the queue", with(ok, "maxConcurrent", 50), "maxConcurrent"));
        bad.add(new Bad("bad prune rule", with(ok, "prune", Map.of("rule", "hyperband")), "prune.rule"));
        bad.add(new Bad("prune without rule", with(ok, "prune", Map.of("metric", "testAccuracy")), "prune.rule"));
        bad.add(new Bad("bad prune metric", with(ok, "prune", Map.of("rule", "median", "metric", "f1")), "prune.metric"));
        bad.add(new Bad("asha reduction 1", with(ok, "prune", Map.of("rule", "asha", "reduction", 1)), "prune.reduction"));
        bad.add(new Bad("warmup on asha", with(ok, "prune", Map.of("rule", "asha", "warmup", 2)), "prune.warmup"));
        bad.add(new Bad("unknown prune field", with(ok, "prune", Map.of("rule", "median", "patience", 2)), "prune.patience"));
        bad.add(new Bad("unknown top-level field", with(ok, "grids", Map.of()), "grids"));
        bad.add(new Bad("random without n", with(sweep(null), "random", Map.of("space", Map.of("params.lr", Map.of("logUniform", List.of(1e-4, 1e-1))))), "random.n"));
        bad.add(new Bad("logUniform from 0", with(sweep(null), "random", Map.of("n", 3, "space", Map.of("params.lr", Map.of("logUniform", List.of(0, 1e-1))))),
                "random.space['params.lr'].logUniform"));
        bad.add(new Bad("two distributions", with(sweep(null), "random", Map.of("n", 3, "space", Map.of("params.lr",
                Map.of("uniform", List.of(0.1, 0.2), "choice", List.of(0.1))))), "random.space['params.lr']"));
        bad.add(new Bad("path in grid and random", with(ok, "random", Map.of("n", 2, "space", Map.of("params.lr", Map.of("uniform", List.of(0.1, 0.2))))),
                "random.space['params.lr']"));
        bad.add(new Bad("unknown reference bound", with(ok, "reference", Map.of("values", List.of(Map.of("coordinates", Map.of("params.lr", 0.01),
                "value", 0.9, "bound", "above")))), "reference.values[0].bound"));
        bad.add(new Bad("not JSON", "{\"base\": ", "body"));
        assertTrue(bad.size() >= 20);

        long sweeps = api.getJson("/sweeps").get("total").asLong();
        long jobs = api.getJson("/jobs?limit=1").get("total").asLong();
        for (Bad b : bad) {
            HttpResponse<byte[]> r = api.post("/sweeps", b.body());
            String text = new String(r.body());
            assertEquals(400, r.statusCode(), b.what() + ": " + text);
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().contains("application/problem+json"), b.what());
            JsonNode problem = Api.json(r);
            List<String> fields = new ArrayList<>();
            for (JsonNode e : problem.get("errors")) fields.add(e.get("field").asString());
            assertTrue(fields.contains(b.field()), b.what() + ": expected the field " + b.field() + " in " + text);
            assertTrue(!text.contains("Exception") && !text.contains("\tat "), b.what() + ": " + text);
        }
        assertEquals(sweeps, api.getJson("/sweeps").get("total").asLong(), "no sweep was created");
        assertEquals(jobs, api.getJson("/jobs?limit=1").get("total").asLong(), "no job was created");

        // A cell's error names the cell's coordinates and the swept path it comes from.
        JsonNode p = Api.json(api.post("/sweeps", sweep(Map.of("params.lr", List.of(0.01, -1.0)))));
        String message = p.get("errors").get(0).get("message").asString();
        assertTrue(message.startsWith("cell 1 {params.lr=-1.0, seed=1}: ") && message.contains("swept path 'params.lr'"), message);
        assertTrue(Api.json(api.post("/sweeps", bad.get(15).body())).get("errors").get(0).get("message").asString().contains("at most 1000"));
    }

    private static List<Double> range(int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add(i / 1000.0);
        return out;
    }
}
