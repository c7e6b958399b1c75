package io.nograd.reproductions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The presets bundled in {@code classpath:reproductions/*.json}, read once at start-up. A preset that does not
 * parse, lacks a scale or prints a number that is not one stops the start-up: it is a file of the
 * repository, not user input, and a test reads every one.
 */
@Component
class ReproductionCatalog {

    static final List<String> SCALES = List.of("paper", "quick");

    private final Map<String, Preset> presets = new LinkedHashMap<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final JsonMapper json;

    ReproductionCatalog(JsonMapper json) {
        this.json = json;
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources("classpath:reproductions/*.json");
            Arrays.sort(found, Comparator.comparing(Resource::getFilename));
            for (Resource r : found) {
                try (InputStream in = r.getInputStream()) {
                    Preset p = json.readValue(in, Preset.class);
                    check(p, r.getFilename());
                    presets.put(p.id(), p);
                    files.put(p.id(), "src/main/resources/reproductions/" + r.getFilename());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reproduction presets", e);
        }
    }

    List<Preset> all() {
        return List.copyOf(presets.values());
    }

    Preset find(String id) {
        return presets.get(id);
    }

    List<String> ids() {
        return List.copyOf(presets.keySet());
    }

    String file(String id) {
        return files.get(id);
    }

    /** The preset's entry: its figures as fractions, and per scale the exact sweep and its cell count. */
    Reproduction view(Preset p, List<Reproduction.Run> runs) {
        List<Reproduction.Figure> figures = new ArrayList<>();
        for (Preset.Figure f : p.figures()) {
            Map<String, Object> coords = new LinkedHashMap<>();
            f.coordinates().forEach((k, v) -> coords.put(k, json.treeToValue(v, Object.class)));
            figures.add(new Reproduction.Figure(coords, metric(f), f.printed(), f.value(), f.source()));
        }
        List<Reproduction.ScaleView> scales = new ArrayList<>();
        p.scales().forEach((name, s) -> {
            JsonNode base = s.sweep().get("base");
            List<Long> seeds = new ArrayList<>();
            JsonNode seedNode = s.sweep().get("seeds");
            if (seedNode instanceof ArrayNode a) a.forEach(n -> seeds.add(n.asLong()));
            else seeds.add(base.has("seed") ? base.get("seed").asLong() : 1L);
            scales.add(new Reproduction.ScaleView(name, s.note(), base.path("dataset").asString(null), configurations(s.sweep()) * seeds.size(),
                    seeds, s.sweep()));
        });
        return new Reproduction(p.id(), p.version(), p.title(), p.paper(), p.source(), p.figure(), p.setting(), tolerance(p), figures,
                p.ours() == null ? List.of() : p.ours(), p.notes() == null ? List.of() : p.notes(), scales, files.get(p.id()), runs);
    }

    static double tolerance(Preset p) {
        return p.tolerance() == null ? 0.01 : p.tolerance();
    }

    static String metric(Preset.Figure f) {
        return f.metric() == null ? "testAccuracy" : f.metric();
    }

    /** Configurations of a sweep body: the sum over its grids of each one's product of value counts. */
    private static int configurations(ObjectNode sweep) {
        List<JsonNode> grids = new ArrayList<>();
        if (sweep.get("grids") instanceof ArrayNode a) a.forEach(grids::add);
        else if (sweep.has("grid")) grids.add(sweep.get("grid"));
        int total = 0;
        for (JsonNode g : grids) {
            int product = 1;
            for (JsonNode values : g) product *= values.size();
            total += product;
        }
        return total;
    }

    private static void check(Preset p, String file) {
        List<String> problems = new ArrayList<>();
        if (p.id() == null || !p.id().matches("[a-z0-9][a-z0-9.-]{0,99}")) problems.add("id must be lower-case letters, digits, '.' and '-'");
        if (file != null && p.id() != null && !file.equals(p.id() + ".json")) problems.add("the file must be named " + p.id() + ".json");
        if (p.version() < 1) problems.add("version must be at least 1");
        if (p.scales() == null || !p.scales().keySet().equals(new java.util.HashSet<>(SCALES))) problems.add("scales must be exactly " + SCALES);
        else p.scales().forEach((k, s) -> {
            if (s == null || s.sweep() == null || !s.sweep().has("base")) problems.add("scales." + k + ".sweep needs a base");
            else if (s.sweep().has("reference") || s.sweep().has("name")) problems.add("scales." + k + ".sweep must not set name or reference");
        });
        if (p.figures() == null) problems.add("figures: the paper's numbers ([] when the paper prints none)");
        else for (Preset.Figure f : p.figures()) {
            try {
                double v = f.value();
                if (metric(f).endsWith("Accuracy") && !(v >= 0 && v <= 1)) problems.add("accuracy '" + f.printed() + "' is not in [0, 1] (a percentage needs its %)");
            } catch (RuntimeException e) {
                problems.add("figure '" + f.printed() + "' (" + f.source() + ") is not a number");
            }
            if (f.source() == null || f.source().isBlank()) problems.add("every figure cites its table or figure (source)");
        }
        if (!problems.isEmpty()) throw new IllegalStateException("reproduction preset " + file + ": " + String.join("; ", problems));
    }
}
