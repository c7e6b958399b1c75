package io.nograd.jobs;

import java.net.URI;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.nograd.system.FieldError;
import io.nograd.system.RequestBodies;
import io.nograd.system.ValidationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The job endpoints of DESIGN §4 (events are in {@code live/}, weights and predict in {@code weights/}). */
@RestController
public class JobController {

    public static final int MAX_LIMIT = 500;
    public static final int MAX_SPEC_BYTES = 1 << 20;

    private final JobService jobs;
    private final JsonMapper json;

    public JobController(JobService jobs, JsonMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    /**
     * Reads the raw body (its Content-Type, application/json, is checked by the request guard) and parses it
     * as JSON here, so a malformed body is a 400 naming the problem.
     */
    @PostMapping("/jobs")
    public ResponseEntity<Job> create(HttpServletRequest request) {
        byte[] body = RequestBodies.readRequired(request, MAX_SPEC_BYTES,
                "a JSON job spec is required, e.g. {\"algorithm\": \"adam\", \"dataset\": \"spirals\", \"layers\": [2, 16, 2]}");
        Job job = jobs.create(json.readValue(body, JobSpec.class));
        return ResponseEntity.created(URI.create("/jobs/" + job.id())).body(job);
    }

    @GetMapping("/jobs")
    public JobPage list(@RequestParam(required = false) String status, @RequestParam(required = false) String algorithm,
                        @RequestParam(required = false) String sweep,
                        @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        JobStatus s = null;
        if (status != null && !status.isBlank()) {
            try {
                s = JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ValidationException("status", "unknown status '" + status + "'; one of " + List.of(JobStatus.values()));
            }
        }
        if (limit < 1 || limit > MAX_LIMIT) throw new ValidationException("limit", "must be in [1, " + MAX_LIMIT + "], got " + limit);
        if (offset < 0) throw new ValidationException("offset", "must not be negative, got " + offset);
        return jobs.list(s, algorithm == null || algorithm.isBlank() ? null : algorithm, sweep == null || sweep.isBlank() ? null : sweep,
                limit, offset);
    }

    @GetMapping("/jobs/{id}")
    public Job get(@PathVariable String id) {
        return jobs.get(id);
    }

    @GetMapping("/jobs/{id}/metrics")
    public ResponseEntity<?> metrics(@PathVariable String id, @RequestParam(defaultValue = "json") String format) {
        List<EpochMetrics> rows = jobs.epochs(id);
        switch (format) {
            case "json" -> {
                return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(rows);
            }
            case "csv" -> {
                return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv; charset=utf-8"))
                        .header("Content-Disposition", "inline; filename=\"" + id + "-metrics.csv\"").body(csv(rows));
            }
            default -> throw new ValidationException(List.of(new FieldError("format", "must be json or csv, got '" + format + "'")));
        }
    }

    @PostMapping("/jobs/{id}/cancel")
    public Job cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }

    @DeleteMapping("/jobs/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        jobs.delete(id);
        return ResponseEntity.noContent().build();
    }

    /**
     * The rows as CSV, columns taken from the JSON Jackson writes for them (so a new field of {@link EpochMetrics}
     * appears here too): every scalar field in record order, then each diagnostic entry as {@code name[i]}
     * (i from 1), the union over the rows. Null is an empty cell.
     */
    private String csv(List<EpochMetrics> rows) {
        List<ObjectNode> nodes = rows.stream().map(m -> (ObjectNode) json.valueToTree(m)).toList();
        Set<String> columns = new LinkedHashSet<>();
        for (String name : json.valueToTree(new EpochMetrics(0, 0, 0, null, 0, null, 0, null, null)).propertyNames()) {
            if (!name.equals("diagnostics")) columns.add(name);
        }
        for (ObjectNode n : nodes) {
            JsonNode d = n.get("diagnostics");
            if (d == null) continue;
            for (String name : d.propertyNames()) for (int i = 1; i <= d.get(name).size(); i++) columns.add(name + "[" + i + "]");
        }
        StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
        for (ObjectNode n : nodes) {
            StringJoiner line = new StringJoiner(",");
            for (String c : columns) {
                int bracket = c.indexOf('[');
                JsonNode v = bracket < 0 ? n.get(c) : n.path("diagnostics").path(c.substring(0, bracket))
                        .path(Integer.parseInt(c.substring(bracket + 1, c.length() - 1)) - 1);
                line.add(v == null || v.isNull() || v.isMissingNode() ? "" : v.asString());
            }
            csv.append(line).append('\n');
        }
        return csv.toString();
    }
}
