package io.nograd.sweeps;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.system.FieldError;
import io.nograd.system.ProblemAdvice;
import io.nograd.system.ValidationException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a {@link SweepRequest} into its cells, each a valid job spec, or refuses it whole: the request's own
 * fields, the swept paths and every cell (through the same {@link JobSpecValidator} as {@code POST /jobs})
 * are checked before anything is stored, and the errors name the path and, for a cell, its index and
 * coordinates. The cell count is computed, and capped, before a cell is built.
 */
final class SweepPlanner {

    static final int MAX_CELLS = 1000;
    static final int MAX_SEEDS = 100;
    static final int MAX_ERRORS = 20;
    static final int MAX_GRIDS = 100;

    /** Top-level JobSpec fields that may be swept as a whole, and the objects whose members may be swept. */
    static final List<String> FIELDS = List.of("name", "algorithm", "dataset", "task", "layers", "activation", "loss", "epochs",
            "batchSize", "trainLimit", "init.kind", "init.scale", "init.bias");
    static final List<String> MAPS = List.of("params", "activationParams");

    /**
     * One expanded cell: its index, its coordinates (swept path → value, then {@code seed}), its spec with
     * defaults filled in, and its place in the release order.
     */
    record Cell(int index, ObjectNode coordinates, JobSpec spec, int rank) {
    }

    /** A checked sweep: name, cells, concurrency, and the pruning (defaults filled in; null for none). */
    record Plan(String name, List<Cell> cells, int maxConcurrent, SweepRequest.Prune prune, Metric metric) {
    }

    private final JobSpecValidator validator;
    private final JsonMapper json;
    private final int defaultConcurrent;
    private final int maxConcurrentLimit;

    SweepPlanner(JobSpecValidator validator, JsonMapper json, int defaultConcurrent, int maxConcurrentLimit) {
        this.validator = validator;
        this.json = json;
        this.defaultConcurrent = defaultConcurrent;
        this.maxConcurrentLimit = maxConcurrentLimit;
    }

    Plan plan(SweepRequest r) {
        if (r == null) throw new ValidationException("body", "a JSON sweep is required: {name, base: {...job spec...}, grid: {path: [values]}}");
        List<FieldError> errors = new ArrayList<>();
        if (r.base() == null) errors.add(new FieldError("base", "is required: the job spec every cell starts from"));
        if (r.name() != null && r.name().length() > 200) errors.add(new FieldError("name", "is longer than 200 characters"));

        if (r.grid() != null && r.grids() != null) errors.add(new FieldError("grids", "give grid or grids, not both"));
        List<? extends Map<String, List<JsonNode>>> grids = grids(r);
        Set<String> gridPaths = new HashSet<>();
        long points = 0;
        for (int g = 0; g < grids.size(); g++) {
            Map<String, List<JsonNode>> grid = grids.get(g) == null ? Map.of() : grids.get(g);
            String prefix = r.grids() == null ? "grid" : "grids[" + g + "]";
            if (r.grids() != null && grid.isEmpty()) errors.add(new FieldError(prefix, "is empty; give path → [values]"));
            long product = 1;
            for (Map.Entry<String, List<JsonNode>> axis : grid.entrySet()) {
                String field = prefix + "['" + axis.getKey() + "']";
                checkPath(axis.getKey(), field, errors);
                gridPaths.add(axis.getKey());
                List<JsonNode> values = axis.getValue();
                if (values == null || values.isEmpty()) {
                    errors.add(new FieldError(field, "is an empty list; give at least one value"));
                } else {
                    for (int i = 0; i < values.size(); i++) {
                        if (values.get(i) == null || values.get(i).isNull()) errors.add(new FieldError(field + "[" + i + "]", "is null; give a value"));
                    }
                    product = Math.min(product * values.size(), MAX_CELLS + 1L);
                }
            }
            points = Math.min(points + product, MAX_CELLS + 1L);
        }
        if (r.grids() != null && r.grids().size() > MAX_GRIDS) errors.add(new FieldError("grids", "lists " + r.grids().size() + " grids; at most " + MAX_GRIDS));

        SweepRequest.RandomSearch random = r.random();
        int draws = 1;
        if (random != null) {
            if (random.n() == null || random.n() < 1 || random.n() > MAX_CELLS) {
                errors.add(new FieldError("random.n", "must be in [1, " + MAX_CELLS + "], got " + random.n()));
            } else {
                draws = random.n();
            }
            if (random.space() == null || random.space().isEmpty()) {
                errors.add(new FieldError("random.space", "is required: path → {uniform|logUniform|intUniform: [a, b]} or {choice: [...]}"));
            } else {
                for (Map.Entry<String, SweepRequest.Distribution> e : random.space().entrySet()) {
                    String field = "random.space['" + e.getKey() + "']";
                    checkPath(e.getKey(), field, errors);
                    if (gridPaths.contains(e.getKey())) errors.add(new FieldError(field, "is swept by grid too; sweep a path in one of them"));
                    checkDistribution(e.getValue(), field, errors);
                }
            }
        }
        if (gridPaths.isEmpty() && random == null) {
            errors.add(new FieldError("grid", "give a grid (path → values) or random ({n, space}); a sweep needs something to sweep"));
        }
        if (gridPaths.contains("seed") || random != null && random.space() != null && random.space().containsKey("seed")) {
            errors.add(new FieldError("grid['seed']", "seeds are swept by the top-level 'seeds' list, not by grid or random"));
        }

        List<Long> seeds = r.seeds();
        if (seeds != null) {
            if (seeds.isEmpty() || seeds.size() > MAX_SEEDS) {
                errors.add(new FieldError("seeds", "must list 1 to " + MAX_SEEDS + " seeds, got " + seeds.size()));
            } else if (seeds.contains(null)) {
                errors.add(new FieldError("seeds", "must not contain null"));
            } else if (new HashSet<>(seeds).size() != seeds.size()) {
                errors.add(new FieldError("seeds", "lists a seed twice; repeats of one seed give identical runs"));
            }
        }

        int maxConcurrent = r.maxConcurrent() == null ? defaultConcurrent : r.maxConcurrent();
        if (maxConcurrent < 1 || maxConcurrent > maxConcurrentLimit) {
            errors.add(new FieldError("maxConcurrent", "must be in [1, " + maxConcurrentLimit + "] (the queue's capacity here), got " + maxConcurrent));
        }

        SweepRequest.Prune prune = prune(r.prune(), errors);
        Metric metric = Metric.TEST_ACCURACY;
        if (prune != null) {
            try {
                metric = Metric.of(prune.metric());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("prune.metric", e.getMessage()));
            }
        }

        long total = points * draws * (seeds == null ? 1 : Math.max(1, seeds.size()));
        reference(r.reference(), gridPaths, random, errors);
        if (total > MAX_CELLS) {
            errors.add(new FieldError(gridPaths.isEmpty() ? "random.n" : r.grids() != null ? "grids" : "grid", "the sweep would have " + (total > 1_000_000 ? "over a million" : total)
                    + " cells; at most " + MAX_CELLS + " per sweep: sweep fewer values or split it"));
        }
        if (!errors.isEmpty()) throw new ValidationException(errors);

        List<Cell> cells = cells(r, grids, draws, seeds, metric, prune != null, errors);
        if (!errors.isEmpty()) throw new ValidationException(errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors);
        if (r.shuffle() != null) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) order.add(i);
            java.util.Collections.shuffle(order, new java.util.Random(r.shuffle()));
            List<Cell> ranked = new ArrayList<>(cells);
            for (int rank = 0; rank < order.size(); rank++) {
                Cell c = cells.get(order.get(rank));
                ranked.set(c.index(), new Cell(c.index(), c.coordinates(), c.spec(), rank));
            }
            cells = ranked;
        }
        String name = r.name() == null || r.name().isBlank() ? "sweep of " + cells.get(0).spec().algorithm() : r.name();
        return new Plan(name, cells, maxConcurrent, prune, metric);
    }

    private List<Cell> cells(SweepRequest r, List<? extends Map<String, List<JsonNode>>> grids, int draws, List<Long> seeds, Metric metric,
                             boolean pruning, List<FieldError> errors) {
        List<ObjectNode> points = new ArrayList<>();
        for (Map<String, List<JsonNode>> grid : grids) {
            List<ObjectNode> product = new ArrayList<>();
            product.add(JsonNodeFactory.instance.objectNode());
            for (Map.Entry<String, List<JsonNode>> axis : grid.entrySet()) {
                List<ObjectNode> next = new ArrayList<>();
                for (ObjectNode p : product) {
                    for (JsonNode v : axis.getValue()) {
                        ObjectNode q = p.deepCopy();
                        q.set(axis.getKey(), v);
                        next.add(q);
                    }
                }
                product = next;
            }
            points.addAll(product);
        }
        if (r.random() != null) {
            SplittableRandom rng = new SplittableRandom(r.random().seed() == null ? 0 : r.random().seed());
            List<ObjectNode> drawn = new ArrayList<>();
            List<ObjectNode> draw = new ArrayList<>();
            for (int i = 0; i < draws; i++) {
                ObjectNode d = JsonNodeFactory.instance.objectNode();
                r.random().space().forEach((path, dist) -> d.set(path, draw(dist, rng)));
                draw.add(d);
            }
            for (ObjectNode p : points) {
                for (ObjectNode d : draw) {
                    ObjectNode q = p.deepCopy();
                    q.setAll(d);
                    drawn.add(q);
                }
            }
            points = drawn;
        }
        JsonNode baseSeed = r.base().get("seed");
        List<JsonNode> seedValues = seeds == null
                ? List.of(baseSeed == null || baseSeed.isNull() ? JsonNodeFactory.instance.numberNode(1L) : baseSeed)
                : seeds.stream().map(s -> (JsonNode) JsonNodeFactory.instance.numberNode(s)).toList();

        List<Cell> cells = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (ObjectNode p : points) {
            for (JsonNode seed : seedValues) {
                ObjectNode coords = p.deepCopy();
                coords.set("seed", seed);
                int index = cells.size();
                ObjectNode spec = r.base().deepCopy();
                coords.properties().forEach(e -> set(spec, e.getKey(), e.getValue()));
                if (!spec.has("name") || spec.get("name").isNull()) spec.put("name", cellName(r.name(), coords));
                try {
                    JobSpec filled = validator.validate(json.treeToValue(spec, JobSpec.class)).spec();
                    if (pruning && metric.higherIsBetter() && "autoencoder".equals(filled.task())) {
                        errors.add(new FieldError("prune.metric", metric.id() + " is not reported for autoencoders; prune by testLoss or trainLoss"));
                    }
                    cells.add(new Cell(index, coords, filled, index));
                } catch (ValidationException e) {
                    for (FieldError fe : e.errors()) report(fe.field(), fe.message(), index, coords, reported, errors);
                    cells.add(null);
                } catch (JacksonException e) {
                    String path = ProblemAdvice.path(e.getPath());
                    report(path.isEmpty() ? "body" : path, "wrong type or value: " + ProblemAdvice.firstLine(e.getOriginalMessage()), index, coords, reported, errors);
                    cells.add(null);
                }
                if (errors.size() >= MAX_ERRORS) return cells;
            }
        }
        return cells;
    }

    /**
     * A cell's error on a swept path names the cell and its coordinates; one on a path no cell varies is the
     * base's, reported once as {@code base.<path>}.
     */
    private static void report(String field, String message, int index, ObjectNode coords, Set<String> reported, List<FieldError> errors) {
        String swept = null;
        for (Map.Entry<String, JsonNode> e : coords.properties()) {
            String p = e.getKey();
            if (field.equals(p) || field.startsWith(p + ".") || field.startsWith(p + "[") || p.startsWith(field + ".")) swept = p;
        }
        if (swept == null) {
            if (reported.add("base." + field)) errors.add(new FieldError("base." + field, message));
            return;
        }
        errors.add(new FieldError("cells[" + index + "]." + field, "cell " + index + " " + label(coords) + ": " + message
                + " (the value comes from the swept path '" + swept + "')"));
    }

    static String label(ObjectNode coords) {
        StringBuilder sb = new StringBuilder("{");
        coords.properties().forEach(e -> {
            if (sb.length() > 1) sb.append(", ");
            sb.append(e.getKey()).append('=').append(show(e.getValue()));
        });
        return sb.append('}').toString();
    }

    /** A coordinate as a table shows it: text without quotes, numbers and lists as JSON. */
    static String show(JsonNode v) {
        return v == null ? "" : v.isString() ? v.asString() : v.toString();
    }

    private static String cellName(String sweepName, ObjectNode coords) {
        String n = (sweepName == null || sweepName.isBlank() ? "sweep" : sweepName) + " " + label(coords);
        return n.length() > 200 ? n.substring(0, 200) : n;
    }

    /** The request's grids: {@code grids}, or {@code grid} alone, or one empty grid (random search only). */
    static List<? extends Map<String, List<JsonNode>>> grids(SweepRequest r) {
        if (r.grids() != null) return r.grids();
        return List.of(r.grid() == null ? Map.of() : r.grid());
    }

    /** A reference's figures must name swept paths, a known metric and a finite value. */
    private static void reference(SweepRequest.Reference ref, Set<String> gridPaths, SweepRequest.RandomSearch random, List<FieldError> errors) {
        if (ref == null) return;
        if (ref.label() != null && ref.label().length() > 500) errors.add(new FieldError("reference.label", "is longer than 500 characters"));
        if (ref.tolerance() != null && !(ref.tolerance() >= 0 && Double.isFinite(ref.tolerance()))) {
            errors.add(new FieldError("reference.tolerance", "must be a finite number >= 0, got " + ref.tolerance()));
        }
        if (ref.values() == null || ref.values().size() > MAX_CELLS) {
            errors.add(new FieldError("reference.values", "must list at most " + MAX_CELLS + " figures ([] for none)"));
            return;
        }
        Set<String> swept = new HashSet<>(gridPaths);
        if (random != null && random.space() != null) swept.addAll(random.space().keySet());
        for (int i = 0; i < ref.values().size() && errors.size() < MAX_ERRORS; i++) {
            SweepRequest.ReferenceValue v = ref.values().get(i);
            String field = "reference.values[" + i + "]";
            if (v == null) {
                errors.add(new FieldError(field, "is null; give {coordinates, metric, value, source}"));
                continue;
            }
            if (v.value() == null || !Double.isFinite(v.value())) errors.add(new FieldError(field + ".value", "must be a finite number"));
            if (v.metric() != null && !Metric.ids().contains(v.metric())) {
                errors.add(new FieldError(field + ".metric", "unknown metric '" + v.metric() + "'; one of " + Metric.ids()));
            }
            if (v.source() != null && v.source().length() > 500) errors.add(new FieldError(field + ".source", "is longer than 500 characters"));
            if (v.bound() != null && !SweepRequest.ReferenceValue.BOUNDS.contains(v.bound())) {
                errors.add(new FieldError(field + ".bound", "unknown bound '" + v.bound() + "'; one of " + SweepRequest.ReferenceValue.BOUNDS
                        + " (leave it out for an exact figure)"));
            }
            if (v.coordinates() == null || v.coordinates().isEmpty()) {
                errors.add(new FieldError(field + ".coordinates", "is required: swept path → value, e.g. {\"params.lr\": 0.1}"));
                continue;
            }
            for (String path : v.coordinates().keySet()) {
                if (!swept.contains(path)) {
                    errors.add(new FieldError(field + ".coordinates['" + path + "']", "is not a swept path; one of " + swept));
                }
            }
        }
    }

    private static void checkPath(String path, String field, List<FieldError> errors) {
        if (FIELDS.contains(path)) return;
        for (String m : MAPS) {
            if (path.startsWith(m + ".") && path.length() > m.length() + 1 && path.indexOf('.', m.length() + 1) < 0) return;
        }
        errors.add(new FieldError(field, "unknown path '" + path + "'; sweepable: " + FIELDS + ", params.<name>, activationParams.<name>"
                + (path.equals("seed") ? " (seeds go in the top-level 'seeds' list)" : "")));
    }

    private static void checkDistribution(SweepRequest.Distribution d, String field, List<FieldError> errors) {
        if (d == null) {
            errors.add(new FieldError(field, "is null; give {uniform|logUniform|intUniform: [a, b]} or {choice: [...]}"));
            return;
        }
        int given = (d.uniform() == null ? 0 : 1) + (d.logUniform() == null ? 0 : 1) + (d.intUniform() == null ? 0 : 1) + (d.choice() == null ? 0 : 1);
        if (given != 1) {
            errors.add(new FieldError(field, "give exactly one of uniform, logUniform, intUniform ([a, b]) or choice ([...]); got " + given));
            return;
        }
        if (d.choice() != null) {
            if (d.choice().isEmpty() || d.choice().stream().anyMatch(v -> v == null || v.isNull())) {
                errors.add(new FieldError(field + ".choice", "must list at least one value, none null"));
            }
            return;
        }
        List<? extends Number> range = d.uniform() != null ? d.uniform() : d.logUniform() != null ? d.logUniform() : d.intUniform();
        String kind = d.uniform() != null ? "uniform" : d.logUniform() != null ? "logUniform" : "intUniform";
        if (range.size() != 2 || range.contains(null)) {
            errors.add(new FieldError(field + "." + kind, "must be [low, high]"));
            return;
        }
        double lo = range.get(0).doubleValue();
        double hi = range.get(1).doubleValue();
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi)) {
            errors.add(new FieldError(field + "." + kind, "must be finite with low <= high, got [" + lo + ", " + hi + "]"));
        } else if (d.logUniform() != null && lo <= 0) {
            errors.add(new FieldError(field + ".logUniform", "needs 0 < low; a log scale has no zero"));
        }
    }

    private static JsonNode draw(SweepRequest.Distribution d, SplittableRandom rng) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (d.choice() != null) return d.choice().get(rng.nextInt(d.choice().size()));
        if (d.intUniform() != null) return f.numberNode(d.intUniform().get(0) + rng.nextLong(d.intUniform().get(1) - d.intUniform().get(0) + 1));
        if (d.uniform() != null) return f.numberNode(d.uniform().get(0) + rng.nextDouble() * (d.uniform().get(1) - d.uniform().get(0)));
        double lo = Math.log(d.logUniform().get(0));
        double hi = Math.log(d.logUniform().get(1));
        return f.numberNode(Math.exp(lo + rng.nextDouble() * (hi - lo)));
    }

    static SweepRequest.Prune prune(SweepRequest.Prune p, List<FieldError> errors) {
        if (p == null) return null;
        String metric = p.metric() == null ? "testAccuracy" : p.metric();
        if ("median".equals(p.rule())) {
            if (p.reduction() != null) errors.add(new FieldError("prune.reduction", "applies to the asha rule only"));
            if (p.minEpochs() != null) errors.add(new FieldError("prune.minEpochs", "applies to the asha rule only"));
            int warmup = p.warmup() == null ? 2 : p.warmup();
            int minPeers = p.minPeers() == null ? 3 : p.minPeers();
            if (warmup < 0 || warmup > 100_000) errors.add(new FieldError("prune.warmup", "must be in [0, 100000], got " + warmup));
            if (minPeers < 1 || minPeers > MAX_CELLS) errors.add(new FieldError("prune.minPeers", "must be in [1, " + MAX_CELLS + "], got " + minPeers));
            return new SweepRequest.Prune("median", metric, warmup, minPeers, null, null);
        }
        if ("asha".equals(p.rule())) {
            if (p.warmup() != null) errors.add(new FieldError("prune.warmup", "applies to the median rule only; asha starts at minEpochs"));
            if (p.minPeers() != null) errors.add(new FieldError("prune.minPeers", "applies to the median rule only"));
            int reduction = p.reduction() == null ? 3 : p.reduction();
            int minEpochs = p.minEpochs() == null ? 1 : p.minEpochs();
            if (reduction < 2 || reduction > 100) errors.add(new FieldError("prune.reduction", "must be in [2, 100], got " + reduction));
            if (minEpochs < 1 || minEpochs > 100_000) errors.add(new FieldError("prune.minEpochs", "must be in [1, 100000], got " + minEpochs));
            return new SweepRequest.Prune("asha", metric, null, null, reduction, minEpochs);
        }
        errors.add(new FieldError("prune.rule", "must be median or asha, got " + (p.rule() == null ? "nothing" : "'" + p.rule() + "'")));
        return null;
    }

    /** Sets a swept path ({@code params.lr}, {@code init.scale}, {@code layers}) on a spec tree. */
    private static void set(ObjectNode spec, String path, JsonNode value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            spec.set(path, value);
            return;
        }
        String head = path.substring(0, dot);
        JsonNode child = spec.get(head);
        ObjectNode obj = child instanceof ObjectNode o ? o : spec.putObject(head);
        obj.set(path.substring(dot + 1), value);
    }

    static Map<String, Object> asMap(JsonMapper json, ObjectNode coords) {
        Map<String, Object> out = new LinkedHashMap<>();
        coords.properties().forEach(e -> out.put(e.getKey(), json.treeToValue(e.getValue(), Object.class)));
        return out;
    }
}
