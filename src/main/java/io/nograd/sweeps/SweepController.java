package io.nograd.sweeps;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.nograd.system.RequestBodies;
import io.nograd.system.ValidationException;
import tools.jackson.databind.json.JsonMapper;

/** {@code /sweeps}: create, list, read, the pivot table, cancel and delete. */
@RestController
public class SweepController {

    public static final int MAX_BODY_BYTES = 1 << 20;
    public static final int MAX_LIMIT = 500;

    private final SweepService sweeps;
    private final JsonMapper json;

    public SweepController(SweepService sweeps, JsonMapper json) {
        this.sweeps = sweeps;
        this.json = json;
    }

    /** Reads the raw body as {@code POST /jobs} does: bounded (413 beyond), a stalled sender a 400. */
    @PostMapping("/sweeps")
    public ResponseEntity<Sweep> create(HttpServletRequest request) {
        byte[] body = RequestBodies.readRequired(request, MAX_BODY_BYTES, "a JSON sweep is required, e.g. {\"base\": {\"algorithm\": "
                + "\"adam\", \"dataset\": \"spirals\", \"layers\": [2, 16, 2]}, \"grid\": {\"params.lr\": [0.001, 0.01]}, \"seeds\": [1, 2]}");
        Sweep sweep = sweeps.create(json.readValue(body, SweepRequest.class));
        return ResponseEntity.created(URI.create("/sweeps/" + sweep.id())).body(sweep);
    }

    @GetMapping("/sweeps")
    public Sweep.Page list(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        if (limit < 1 || limit > MAX_LIMIT) throw new ValidationException("limit", "must be in [1, " + MAX_LIMIT + "], got " + limit);
        if (offset < 0) throw new ValidationException("offset", "must not be negative, got " + offset);
        return sweeps.list(limit, offset);
    }

    @GetMapping("/sweeps/{id}")
    public Sweep get(@PathVariable String id, @RequestParam(required = false) String metric) {
        return sweeps.get(id, metric);
    }

    /** The pivot table a paper prints: {@code rows} × {@code cols} of the metric's mean (± std over seeds). */
    @GetMapping("/sweeps/{id}/table")
    public ResponseEntity<?> table(@PathVariable String id, @RequestParam(required = false) String rows, @RequestParam(required = false) String cols,
                                   @RequestParam(required = false) String metric, @RequestParam(defaultValue = "final") String stat,
                                   @RequestParam(defaultValue = "json") String format) {
        if (!List.of("json", "csv", "md").contains(format)) throw new ValidationException("format", "must be json, csv or md, got '" + format + "'");
        Sweep.Table t = sweeps.table(id, rows, cols == null || cols.isBlank() ? null : cols, metric, stat);
        return switch (format) {
            case "csv" -> ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv; charset=utf-8"))
                    .header("Content-Disposition", "inline; filename=\"" + id + "-table.csv\"").body(csv(t));
            case "md" -> ResponseEntity.ok().contentType(MediaType.parseMediaType("text/markdown; charset=utf-8")).body(markdown(t));
            default -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(t);
        };
    }

    @PostMapping("/sweeps/{id}/cancel")
    public Sweep cancel(@PathVariable String id) {
        return sweeps.cancel(id);
    }

    @DeleteMapping("/sweeps/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        sweeps.delete(id);
        return ResponseEntity.noContent().build();
    }

    /** Means only, one line per row value; an empty field where no cell has ended. */
    static String csv(Sweep.Table t) {
        StringBuilder sb = new StringBuilder(quote(t.rows() + (t.cols() == null ? "" : "\\" + t.cols())));
        for (Object c : t.colValues()) sb.append(',').append(quote(show(c)));
        sb.append('\n');
        for (int i = 0; i < t.rowValues().size(); i++) {
            sb.append(quote(show(t.rowValues().get(i))));
            for (Sweep.Stat s : t.values().get(i)) sb.append(',').append(s.mean() == null ? "" : s.mean().toString());
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Mean ± standard deviation over seeds, 4 decimals; n where it is not the same everywhere. */
    static String markdown(Sweep.Table t) {
        long ns = t.values().stream().flatMap(List::stream).map(Sweep.Stat::n).distinct().count();
        StringBuilder sb = new StringBuilder("| " + md(t.rows()) + (t.cols() == null ? "" : " \\\\ " + md(t.cols())) + " |");
        for (Object c : t.colValues()) sb.append(' ').append(md(show(c))).append(" |");
        sb.append("\n|---|");
        sb.append("---:|".repeat(t.colValues().size()));
        sb.append('\n');
        for (int i = 0; i < t.rowValues().size(); i++) {
            sb.append("| ").append(md(show(t.rowValues().get(i)))).append(" |");
            for (Sweep.Stat s : t.values().get(i)) {
                sb.append(' ');
                if (s.mean() == null) {
                    sb.append('–');
                } else {
                    sb.append(String.format(Locale.ROOT, "%.4f", s.mean()));
                    if (s.std() != null) sb.append(String.format(Locale.ROOT, " ± %.4f", s.std()));
                    if (ns > 1) sb.append(" (n=").append(s.n()).append(')');
                }
                sb.append(" |");
            }
            sb.append('\n');
        }
        sb.append("\n").append(t.metric()).append(", ").append(t.stat()).append(" value, mean ± standard deviation over seeds\n");
        return sb.toString();
    }

    private static String show(Object v) {
        if (v instanceof List<?> l) return l.toString().replace(" ", "");
        return String.valueOf(v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String md(String s) {
        return s.replace("|", "\\|");
    }
}
