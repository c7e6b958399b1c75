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

    /**
     * Mean ± standard deviation over seeds, 4 decimals; n where it is not the same everywhere. With a reference,
     * one configuration per row reads reference | ours | Δ (Δ in points of the metric ×100 for accuracies) and
     * a pivot's cells add the reference and Δ; ⚑ marks |Δ| above the tolerance (for a bound: ours beyond it by more).
     */
    static String markdown(Sweep.Table t) {
        long ns = t.values().stream().flatMap(List::stream).map(Sweep.Stat::n).distinct().count();
        Sweep.Comparison cmp = t.comparison();
        boolean points = t.metric().endsWith("Accuracy");
        StringBuilder sb = new StringBuilder();
        if (cmp != null && Sweep.Table.CONFIGURATIONS.equals(t.rows())) {
            sb.append("| ").append(t.rows()).append(" | reference | ours | Δ").append(points ? " (points)" : "").append(" | |\n|---|---:|---:|---:|---|\n");
            for (int i = 0; i < t.rowValues().size(); i++) {
                Sweep.Stat s = t.values().get(i).get(0);
                Sweep.Compared c = cmp.cells().get(i).get(0);
                sb.append("| ").append(md(show(t.rowValues().get(i)))).append(" | ")
                        .append(c == null ? "(ours)" : c.shown()).append(" | ")
                        .append(stat(s, ns)).append(" | ")
                        .append(c == null || c.delta() == null ? "–" : String.format(Locale.ROOT, "%+.2f", c.delta() * (points ? 100 : 1))).append(" | ")
                        .append(c != null && c.flagged() ? "⚑" : "").append(c == null || c.source() == null ? "" : " " + md(c.source())).append(" |\n");
            }
        } else {
            sb.append("| " + md(t.rows()) + (t.cols() == null ? "" : " \\\\ " + md(t.cols())) + " |");
            for (Object c : t.colValues()) sb.append(' ').append(md(show(c))).append(" |");
            sb.append("\n|---|");
            sb.append("---:|".repeat(t.colValues().size()));
            sb.append('\n');
            for (int i = 0; i < t.rowValues().size(); i++) {
                sb.append("| ").append(md(show(t.rowValues().get(i)))).append(" |");
                for (int j = 0; j < t.values().get(i).size(); j++) {
                    sb.append(' ').append(stat(t.values().get(i).get(j), ns));
                    Sweep.Compared c = cmp == null ? null : cmp.cells().get(i).get(j);
                    if (c != null) {
                        sb.append(" (ref ").append(c.shown());
                        if (c.delta() != null) sb.append(String.format(Locale.ROOT, ", Δ %+.2f", c.delta() * (points ? 100 : 1)));
                        sb.append(c.flagged() ? ") ⚑" : ")");
                    }
                    sb.append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append("\n").append(t.metric()).append(", ").append(t.stat()).append(" value, mean ± standard deviation over seeds\n");
        if (cmp != null) {
            sb.append("reference: ").append(cmp.label() == null ? "given with the sweep" : md(cmp.label()))
                    .append(String.format(Locale.ROOT, "; ⚑ where |Δ| > %s%s (%d of %d figures)%n",
                            points ? String.format(Locale.ROOT, "%.2f", cmp.tolerance() * 100) : String.valueOf(cmp.tolerance()),
                            points ? " points" : "", cmp.flagged(), cmp.figures()));
        }
        return sb.toString();
    }

    private static String stat(Sweep.Stat s, long ns) {
        if (s.mean() == null) return "–";
        String out = String.format(Locale.ROOT, "%.4f", s.mean());
        if (s.std() != null) out += String.format(Locale.ROOT, " ± %.4f", s.std());
        if (ns > 1) out += " (n=" + s.n() + ")";
        return out;
    }

    private static String show(Object v) {
        if (v instanceof List<?> l) return l.toString().replace(" ", "");
        if (v instanceof java.util.Map<?, ?> m) {
            StringBuilder sb = new StringBuilder();
            m.forEach((k, x) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(show(x)));
            return sb.toString();
        }
        return String.valueOf(v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String md(String s) {
        return s.replace("|", "\\|");
    }
}
