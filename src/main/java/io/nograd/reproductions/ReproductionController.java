package io.nograd.reproductions;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.nograd.sweeps.Sweep;
import io.nograd.sweeps.SweepRequest;
import io.nograd.sweeps.SweepService;
import io.nograd.system.NotFoundException;
import io.nograd.system.ValidationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /reproductions}: the papers' tables and figures as sweep presets. A run is an ordinary sweep whose
 * reference is the paper's figures, so {@code GET /sweeps/{id}/table} prints paper | ours | Δ per configuration.
 */
@RestController
public class ReproductionController {

    static final int RUNS_SHOWN = 10;
    static final int MAX_SEEDS = 100;

    private final ReproductionCatalog catalog;
    private final ReproductionRepository runs;
    private final SweepService sweeps;
    private final JsonMapper json;

    ReproductionController(ReproductionCatalog catalog, ReproductionRepository runs, SweepService sweeps, JsonMapper json) {
        this.catalog = catalog;
        this.runs = runs;
        this.sweeps = sweeps;
        this.json = json;
    }

    @GetMapping("/reproductions")
    public Reproduction.Catalogue list() {
        return new Reproduction.Catalogue(catalog.all().stream().map(p -> catalog.view(p, null)).toList());
    }

    /** One preset with its latest runs. */
    @GetMapping("/reproductions/{id}")
    public Reproduction get(@PathVariable String id) {
        Preset p = preset(id);
        List<Reproduction.Run> latest = new ArrayList<>();
        for (ReproductionRepository.RunRow r : runs.latest(id, RUNS_SHOWN)) {
            String status;
            try {
                status = sweeps.get(r.sweepId(), null).status();
            } catch (NotFoundException e) {
                continue;
            }
            latest.add(new Reproduction.Run(r.sweepId(), r.reproductionId(), r.version(), r.scale(), r.createdAt(), status));
        }
        return catalog.view(p, latest);
    }

    /**
     * Starts the preset at {@code scale} as a sweep: 201 with the sweep, {@code Location: /sweeps/{id}}. Its cells
     * queue like any sweep's; the table fills in as they end. {@code seeds} (comma-separated) replaces the
     * preset's seeds, e.g. one seed per configuration where the paper's five do not fit; the sweep's name says so.
     */
    @PostMapping("/reproductions/{id}/runs")
    public ResponseEntity<Sweep> run(@PathVariable String id, @RequestParam(defaultValue = "quick") String scale,
                                     @RequestParam(required = false) String seeds) {
        Preset p = preset(id);
        if (!ReproductionCatalog.SCALES.contains(scale)) {
            throw new ValidationException("scale", "must be quick (a subset that finishes in minutes) or paper (the paper's full setting), got '"
                    + scale + "'");
        }
        ObjectNode body = p.scales().get(scale).sweep().deepCopy();
        String name = "reproduction " + p.id() + " v" + p.version() + " (" + scale;
        if (seeds != null) {
            ArrayNode list = body.putArray("seeds");
            for (long s : seeds(seeds)) list.add(s);
            name += ", seeds " + seeds.replace(" ", "");
        }
        body.put("name", name + ")");
        List<SweepRequest.ReferenceValue> values = new ArrayList<>();
        for (Preset.Figure f : p.figures()) {
            values.add(new SweepRequest.ReferenceValue(f.coordinates(), ReproductionCatalog.metric(f), f.value(), f.source() + " (printed " + f.printed() + ")", f.bound()));
        }
        SweepRequest request = json.treeToValue(body, SweepRequest.class);
        request = new SweepRequest(request.name(), request.base(), request.grid(), request.grids(), request.random(), request.seeds(),
                request.maxConcurrent(), request.prune(), request.shuffle(),
                new SweepRequest.Reference(p.figure() + ", " + p.paper(), ReproductionCatalog.tolerance(p), values));
        Sweep sweep = sweeps.create(request);
        runs.insert(sweep.id(), p.id(), p.version(), scale, Instant.now());
        return ResponseEntity.created(URI.create("/sweeps/" + sweep.id())).body(sweep);
    }

    private static List<Long> seeds(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_SEEDS) throw new ValidationException("seeds", "lists " + parts.length + " seeds; at most " + MAX_SEEDS);
        List<Long> out = new ArrayList<>();
        for (String part : parts) {
            try {
                out.add(Long.parseLong(part.trim()));
            } catch (NumberFormatException e) {
                throw new ValidationException("seeds", "must be comma-separated integers such as 1,2,3, got '" + text + "'");
            }
        }
        return out;
    }

    private Preset preset(String id) {
        Preset p = catalog.find(id);
        if (p == null) throw new NotFoundException("no reproduction '" + id + "'; one of " + catalog.ids());
        return p;
    }
}
