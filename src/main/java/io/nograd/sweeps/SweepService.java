package io.nograd.sweeps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.Job;
import io.nograd.jobs.JobService;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.JobStatus;
import io.nograd.jobs.RunHooks;
import io.nograd.system.ConflictException;
import io.nograd.system.NogradProperties;
import io.nograd.system.NotFoundException;
import io.nograd.system.TooManyRequestsException;
import io.nograd.system.ValidationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sweeps: plan and store every cell at once, then release cells into the ordinary job queue, at most
 * {@code maxConcurrent} queued or running at a time. Releasing is driven by events, never by a timer: when a
 * sweep is created, when any job ends (its final status event on {@link io.nograd.jobs.RunEvents}, delivered in
 * the ending run's own thread), and at start-up for sweeps still running. Pruning is the epoch hook: the run asks, right after storing an epoch,
 * and the rule is decided from the stored rows of the sweep's cells.
 */
@Service
public class SweepService implements RunHooks.Hook {

    private static final Logger log = LoggerFactory.getLogger(SweepService.class);

    private final SweepRepository repo;
    private final JobService jobs;
    private final SweepPlanner planner;
    private final JsonMapper json;
    /** Sweeps whose last release met a full queue; tried again whenever any job ends. */
    private final Set<String> blocked = ConcurrentHashMap.newKeySet();
    private final Map<String, Optional<SweepRequest.Prune>> prunes = new ConcurrentHashMap<>();

    public SweepService(SweepRepository repo, JobService jobs, JobSpecValidator validator, JsonMapper json, NogradProperties props,
                        RunHooks hooks) {
        this.repo = repo;
        this.jobs = jobs;
        this.json = json;
        int capacity = Math.max(1, props.jobs().queueCapacity());
        // By default one cell waits behind each worker, so a worker never idles while the next cell is released.
        this.planner = new SweepPlanner(validator, json, Math.min(capacity, props.jobs().concurrency() + 1), capacity);
        hooks.register(this);
    }

    public Sweep create(SweepRequest request) {
        SweepPlanner.Plan plan = planner.plan(request);
        String id = UUID.randomUUID().toString();
        repo.insert(id, plan, json.writeValueAsString(request), Instant.now());
        release(id);
        return get(id, null);
    }

    public Sweep get(String id, String metricName) {
        SweepRepository.SweepRow row = row(id);
        return view(row, metric(row, metricName), true);
    }

    public Sweep.Page list(int limit, int offset) {
        List<Sweep> out = new ArrayList<>();
        for (SweepRepository.SweepRow row : repo.list(limit, offset)) out.add(view(row, metric(row, null), false));
        return new Sweep.Page(out, repo.count(), limit, offset);
    }

    /** Stops releasing cells and cancels the queued and running ones; ended cells keep their results. */
    public Sweep cancel(String id) {
        SweepRepository.SweepRow row = row(id);
        synchronized (this) {
            if (!repo.finish(id, "CANCELLED", Instant.now())) {
                throw new ConflictException("sweep " + id + " has already ended (" + row.status() + "); nothing to cancel");
            }
        }
        blocked.remove(id);
        for (Job job : jobs.ofSweep(id)) {
            if (job.status().isFinal()) continue;
            try {
                jobs.cancel(job.id());
            } catch (ConflictException | NotFoundException e) {
                log.debug("cell job {} ended while the sweep was cancelled", job.id());
            }
        }
        return get(id, null);
    }

    /** Deletes an ended sweep with every cell's job, epochs and weights. */
    public void delete(String id) {
        SweepRepository.SweepRow row = row(id);
        if ("RUNNING".equals(row.status())) {
            throw new ConflictException("sweep " + id + " is RUNNING; cancel it first (POST /sweeps/" + id + "/cancel), then delete it");
        }
        List<Job> cells = jobs.ofSweep(id);
        for (Job job : cells) {
            if (!job.status().isFinal()) {
                throw new ConflictException("cell job " + job.id() + " of sweep " + id + " is still " + job.status() + "; retry in a moment");
            }
        }
        for (Job job : cells) jobs.delete(job.id());
        repo.delete(id);
        prunes.remove(id);
    }

    /**
     * Releases the sweep's next cells while fewer than {@code maxConcurrent} of its jobs are queued or running,
     * and marks it DONE when no cell is left to run. One lock serialises a node's releases, and the sweep's row
     * lock those of every node sharing the database, so two job ends cannot both fill the same free slot; the
     * cell's job and its {@code job_id} are stored in one transaction.
     */
    synchronized void release(String id) {
        SweepRepository.SweepRow row = repo.find(id).orElse(null);
        if (row == null || !"RUNNING".equals(row.status())) {
            blocked.remove(id);
            return;
        }
        int active = jobs.activeInSweep(id);
        int free = row.maxConcurrent() - active;
        if (free > 0) {
            for (SweepRepository.CellRow cell : repo.unreleased(id, free)) {
                try {
                    jobs.create(cell.spec(), new Job.SweepCell(id, cell.index(), SweepPlanner.asMap(json, cell.coordinates())), jobId -> {
                        // counted again under the sweep's row lock, before this cell's job is inserted: another node
                        // may have released a cell since the count above (the release then rolls back, nothing is queued)
                        repo.lock(id);
                        repo.markReleased(id, cell.index(), jobId);
                        if (jobs.activeInSweep(id) >= row.maxConcurrent()) throw new Overtaken();
                    });
                    active++;
                } catch (Overtaken | IllegalStateException e) {
                    // another node filled the slot or took this very cell; a job's end releases the next one
                    blocked.remove(id);
                    return;
                } catch (TooManyRequestsException e) {
                    blocked.add(id);
                    return;
                } catch (ValidationException e) {
                    repo.markError(id, cell.index(), "could not be queued: " + e.getMessage());
                }
            }
        }
        blocked.remove(id);
        if (active == 0 && repo.unreleased(id, 1).isEmpty()) {
            repo.finish(id, "DONE", Instant.now());
            log.info("sweep {} ({}) is done", id, row.name());
        }
    }

    /** A release found the sweep's slots taken by another node's release meanwhile. */
    private static final class Overtaken extends RuntimeException {
        Overtaken() {
            super(null, null, false, false);
        }
    }

    /** A job ended: its sweep may release the next cell, and sweeps that met a full queue try again. */
    void jobEnded(String jobId) {
        try {
            Job job = jobs.get(jobId);
            if (job.sweep() != null) release(job.sweep().id());
        } catch (NotFoundException e) {
            log.debug("job {} was deleted before its end was handled", jobId);
        }
        for (String id : List.copyOf(blocked)) release(id);
    }

    @Override
    public Optional<RunHooks.Stop> afterEpoch(Job job, EpochMetrics m) {
        if (job.sweep() == null) return Optional.empty();
        String id = job.sweep().id();
        SweepRequest.Prune prune = prunes.computeIfAbsent(id, k -> repo.find(k).map(this::prune)).orElse(null);
        if (prune == null) return Optional.empty();
        Map<String, List<EpochMetrics>> rows = new HashMap<>(jobs.epochsOfSweep(id));
        List<EpochMetrics> own = rows.remove(job.id());
        if (own == null) return Optional.empty();
        Optional<Pruner.Decision> d = Pruner.decide(prune, Metric.of(prune.metric()), m.epoch(), m.epochs(), own, rows.values());
        d.ifPresent(decision -> repo.recordPruned(id, job.sweep().cell(), decision));
        return d.map(decision -> new RunHooks.Stop(decision.reason()));
    }

    /** After the jobs' own recovery (order 10): sweeps still running go on releasing cells. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(20)
    public void recover() {
        List<String> running = repo.idsRunning();
        for (String id : running) release(id);
        if (!running.isEmpty()) log.info("{} sweep(s) still running after the restart go on releasing cells", running.size());
    }

    /**
     * The pivot table over the ended cells: rows × cols of mean, std and n; with the sweep's reference figures
     * beside them. Without {@code rows}, a sweep with a reference is tabled one configuration per row.
     */
    Sweep.Table table(String id, String rows, String cols, String metricName, String stat) {
        SweepRepository.SweepRow row = row(id);
        Metric metric = metric(row, metricName);
        Sweep view = view(row, metric, true);
        SweepRequest.Reference ref = json.readValue(row.request(), SweepRequest.class).reference();
        boolean best = switch (stat) {
            case "final" -> false;
            case "best" -> true;
            default -> throw new ValidationException("stat", "must be final or best, got '" + stat + "'");
        };
        if (rows == null && ref != null || Sweep.Table.CONFIGURATIONS.equals(rows)) {
            if (cols != null) throw new ValidationException("cols", "leave it out when rows is " + Sweep.Table.CONFIGURATIONS);
            return configurations(view, ref, metric, stat, best);
        }
        List<String> errors = new ArrayList<>();
        if (rows == null || !view.paths().contains(rows)) errors.add("rows");
        if (cols != null && (!view.paths().contains(cols) || cols.equals(rows))) errors.add("cols");
        if (!errors.isEmpty()) {
            throw new ValidationException(errors.get(0), "must be one of the sweep's paths " + view.paths()
                    + (errors.get(0).equals("cols") ? ", other than rows, or left out" : "")
                    + (errors.get(0).equals("rows") ? " or " + Sweep.Table.CONFIGURATIONS : ""));
        }
        List<String> rowKeys = new ArrayList<>();
        List<Object> rowValues = new ArrayList<>();
        List<String> colKeys = new ArrayList<>();
        List<Object> colValues = new ArrayList<>();
        Map<String, List<Double>> groups = new HashMap<>();
        for (Sweep.CellView c : view.cells()) {
            String r = key(c.coordinates().get(rows));
            String k = cols == null ? "" : key(c.coordinates().get(cols));
            if (!rowKeys.contains(r)) {
                rowKeys.add(r);
                rowValues.add(c.coordinates().get(rows));
            }
            if (!colKeys.contains(k)) {
                colKeys.add(k);
                colValues.add(cols == null ? view.metric() : c.coordinates().get(cols));
            }
            Double v = ended(c.status()) ? (best ? c.best() : c.last()) : null;
            List<Double> g = groups.computeIfAbsent(r + "\u0000" + k, x -> new ArrayList<>());
            if (v != null) g.add(v);
        }
        List<List<Sweep.Stat>> values = new ArrayList<>();
        List<Map<String, Object>> where = new ArrayList<>();
        for (int i = 0; i < rowKeys.size(); i++) {
            List<Sweep.Stat> line = new ArrayList<>();
            for (int j = 0; j < colKeys.size(); j++) {
                line.add(Sweep.Stat.of(groups.getOrDefault(rowKeys.get(i) + "\u0000" + colKeys.get(j), List.of())));
                Map<String, Object> at = new LinkedHashMap<>();
                at.put(rows, rowValues.get(i));
                if (cols != null) at.put(cols, colValues.get(j));
                where.add(at);
            }
            values.add(line);
        }
        return new Sweep.Table(rows, cols, view.metric(), stat, rowValues, colValues, values,
                comparison(ref, metric, values, where, true), view);
    }

    /** One row per configuration (coordinates without the seed), one column: the metric. */
    private Sweep.Table configurations(Sweep view, SweepRequest.Reference ref, Metric metric, String stat, boolean best) {
        List<Object> rowValues = new ArrayList<>();
        List<List<Sweep.Stat>> values = new ArrayList<>();
        List<Map<String, Object>> where = new ArrayList<>();
        for (Sweep.Aggregate a : view.aggregates()) {
            rowValues.add(a.coordinates());
            values.add(List.of(best ? a.best() : a.last()));
            where.add(a.coordinates());
        }
        return new Sweep.Table(Sweep.Table.CONFIGURATIONS, null, view.metric(), stat, rowValues, List.of(view.metric()), values,
                comparison(ref, metric, values, where, false), view);
    }

    /**
     * Lays the reference's figures for {@code metric} over a table whose cells, row by row, have the coordinates
     * {@code where}. A figure belongs to a cell when every one of its coordinates is the cell's; in a pivot
     * ({@code exact}) its coordinates must moreover be exactly the cell's rows and cols.
     */
    private Sweep.Comparison comparison(SweepRequest.Reference ref, Metric metric, List<List<Sweep.Stat>> values,
                                        List<Map<String, Object>> where, boolean exact) {
        if (ref == null || ref.values() == null) return null;
        double tolerance = ref.tolerance() == null ? 0.01 : ref.tolerance();
        List<String> metrics = new ArrayList<>();
        for (SweepRequest.ReferenceValue v : ref.values()) {
            String m = v.metric() == null ? Metric.TEST_ACCURACY.id() : v.metric();
            if (!metrics.contains(m)) metrics.add(m);
        }
        List<List<Sweep.Compared>> cells = new ArrayList<>();
        int figures = 0, flagged = 0, n = 0;
        for (List<Sweep.Stat> line : values) {
            List<Sweep.Compared> out = new ArrayList<>();
            for (Sweep.Stat s : line) {
                SweepRequest.ReferenceValue v = figure(ref, metric, where.get(n++), exact);
                if (v == null) {
                    out.add(null);
                    continue;
                }
                Double delta = s.mean() == null ? null : s.mean() - v.value();
                boolean flag = delta != null && v.missedBy(delta, tolerance);
                figures++;
                if (flag) flagged++;
                out.add(new Sweep.Compared(v.value(), "exact".equals(v.bound()) ? null : v.bound(), delta, flag, v.source()));
            }
            cells.add(out);
        }
        return new Sweep.Comparison(ref.label(), tolerance, metrics, figures, flagged, cells);
    }

    private SweepRequest.ReferenceValue figure(SweepRequest.Reference ref, Metric metric, Map<String, Object> at, boolean exact) {
        for (SweepRequest.ReferenceValue v : ref.values()) {
            if (!metric.id().equals(v.metric() == null ? Metric.TEST_ACCURACY.id() : v.metric())) continue;
            if (exact && v.coordinates().size() != at.size()) continue;
            boolean all = true;
            for (Map.Entry<String, JsonNode> e : v.coordinates().entrySet()) {
                if (!at.containsKey(e.getKey()) || !same(json.treeToValue(e.getValue(), Object.class), at.get(e.getKey()))) {
                    all = false;
                    break;
                }
            }
            if (all) return v;
        }
        return null;
    }

    /** Coordinates compare as the table shows them, so 1 and 1.0 are one value. */
    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!same(x.get(i), y.get(i))) return false;
            return true;
        }
        return java.util.Objects.equals(a, b);
    }

    private Sweep view(SweepRepository.SweepRow row, Metric metric, boolean detail) {
        SweepRequest request = json.readValue(row.request(), SweepRequest.class);
        SweepRequest.Prune prune = prune(row);
        List<SweepRepository.CellRow> cells = repo.cells(row.id());
        Map<String, Job> byId = new HashMap<>();
        for (Job j : jobs.ofSweep(row.id())) byId.put(j.id(), j);
        Map<String, List<EpochMetrics>> epochs = detail ? jobs.epochsOfSweep(row.id()) : Map.of();

        int pending = 0, queued = 0, running = 0, succeeded = 0, pruned = 0, failed = 0, cancelled = 0;
        long done = 0, planned = 0;
        List<Sweep.CellView> views = new ArrayList<>();
        for (SweepRepository.CellRow c : cells) {
            Job job = c.jobId() == null ? null : byId.get(c.jobId());
            String status = c.error() != null ? "FAILED" : c.jobId() == null ? ("CANCELLED".equals(row.status()) ? "CANCELLED" : "PENDING")
                    : job == null ? "DELETED" : job.status().name();
            switch (status) {
                case "PENDING" -> pending++;
                case "QUEUED" -> queued++;
                case "RUNNING" -> running++;
                case "SUCCEEDED" -> succeeded++;
                case "PRUNED" -> pruned++;
                case "FAILED" -> failed++;
                case "CANCELLED" -> cancelled++;
                default -> { }
            }
            int epochsDone = job == null ? 0 : job.epochsDone();
            done += epochsDone;
            planned += c.spec().epochs();
            if (!detail) continue;
            List<EpochMetrics> rows = job == null ? List.of() : epochs.getOrDefault(job.id(), List.of());
            Double last = rows.isEmpty() ? null : metric.of(rows.get(rows.size() - 1));
            Double best = metric.bestUpTo(rows, Integer.MAX_VALUE);
            Sweep.Pruned why = "PRUNED".equals(status) && c.prunedRule() != null
                    ? new Sweep.Pruned(c.prunedRule(), c.prunedEpoch(), c.prunedValue(), c.prunedThreshold(), job.error()) : null;
            String error = c.error() != null ? c.error() : job != null && job.status() == JobStatus.FAILED ? job.error() : null;
            views.add(new Sweep.CellView(c.index(), SweepPlanner.asMap(json, c.coordinates()), c.jobId(), status, epochsDone, c.spec().epochs(),
                    last, best, why, error));
        }
        List<String> paths = new ArrayList<>();
        for (Map<String, List<JsonNode>> grid : SweepPlanner.grids(request)) {
            for (String path : grid.keySet()) if (!paths.contains(path)) paths.add(path);
        }
        if (request.random() != null && request.random().space() != null) paths.addAll(request.random().space().keySet());
        paths.add("seed");
        Sweep.Progress progress = new Sweep.Progress(cells.size(), pending, queued, running, succeeded, pruned, failed, cancelled, done, planned);
        List<Sweep.Aggregate> aggregates = detail ? aggregates(views) : null;
        Sweep.CellView best = detail ? best(views, metric, "SUCCEEDED") : null;
        if (best == null && detail) best = best(views, metric, "PRUNED");
        return new Sweep(row.id(), row.name(), row.status(), row.createdAt(), row.finishedAt(), row.maxConcurrent(), prune, metric.id(),
                paths, progress, detail ? views : null, aggregates, best);
    }

    /** The cell in {@code status} with the best final value: cells that ran to the end first, since a pruned value is an early one. */
    private static Sweep.CellView best(List<Sweep.CellView> views, Metric metric, String status) {
        Sweep.CellView best = null;
        for (Sweep.CellView c : views) {
            if (status.equals(c.status()) && c.last() != null && (best == null || metric.worse(best.last(), c.last()))) best = c;
        }
        return best;
    }

    /** Groups ended cells by their coordinates without the seed. */
    private static List<Sweep.Aggregate> aggregates(List<Sweep.CellView> cells) {
        Map<String, Map<String, Object>> coords = new LinkedHashMap<>();
        Map<String, List<Double>> last = new HashMap<>();
        Map<String, List<Double>> best = new HashMap<>();
        for (Sweep.CellView c : cells) {
            Map<String, Object> k = new LinkedHashMap<>(c.coordinates());
            k.remove("seed");
            String key = key(k);
            coords.putIfAbsent(key, k);
            List<Double> l = last.computeIfAbsent(key, x -> new ArrayList<>());
            List<Double> b = best.computeIfAbsent(key, x -> new ArrayList<>());
            if (ended(c.status()) && c.last() != null) {
                l.add(c.last());
                b.add(c.best());
            }
        }
        List<Sweep.Aggregate> out = new ArrayList<>();
        coords.forEach((key, k) -> out.add(new Sweep.Aggregate(k, Sweep.Stat.of(last.get(key)), Sweep.Stat.of(best.get(key)))));
        return out;
    }

    /** Cells whose figures count in aggregates and tables: those that ran to the end or were pruned. */
    private static boolean ended(String status) {
        return "SUCCEEDED".equals(status) || "PRUNED".equals(status);
    }

    private static String key(Object o) {
        return String.valueOf(o);
    }

    private SweepRequest.Prune prune(SweepRepository.SweepRow row) {
        SweepRequest request = json.readValue(row.request(), SweepRequest.class);
        return SweepPlanner.prune(request.prune(), new ArrayList<>());
    }

    private Metric metric(SweepRepository.SweepRow row, String name) {
        if (name != null && !name.isBlank()) {
            try {
                return Metric.of(name);
            } catch (IllegalArgumentException e) {
                throw new ValidationException("metric", e.getMessage());
            }
        }
        SweepRequest.Prune p = prune(row);
        return p == null ? Metric.TEST_ACCURACY : Metric.of(p.metric());
    }

    private SweepRepository.SweepRow row(String id) {
        return repo.find(id).orElseThrow(() -> new NotFoundException("no sweep with id '" + id + "'"));
    }
}
