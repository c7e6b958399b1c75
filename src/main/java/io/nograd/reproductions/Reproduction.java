package io.nograd.reproductions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.node.ObjectNode;

/**
 * A catalogue entry of {@code GET /reproductions}.
 *
 * @param file    the preset's file in the repository
 * @param figures the paper's numbers: coordinates, metric, the number as printed, as a fraction, and where it is printed
 * @param scales  what each scale runs, exactly: the sweep it posts, and its cells
 * @param runs    the latest runs of this preset, newest first (only in {@code GET /reproductions/{id}})
 */
public record Reproduction(String id, int version, String title, String paper, String source, String figure, String setting,
                           double tolerance, List<Figure> figures, List<String> ours, List<String> notes, List<ScaleView> scales,
                           String file, @JsonInclude(JsonInclude.Include.NON_NULL) List<Run> runs) {

    public record Figure(Map<String, Object> coordinates, String metric, String printed, double value, String source) {
    }

    /**
     * @param sweep the {@code POST /sweeps} body this scale starts (without the reference figures, listed above)
     * @param cells jobs it runs: configurations × seeds
     */
    public record ScaleView(String scale, String note, String dataset, int cells, List<Long> seeds, ObjectNode sweep) {
    }

    /** A started run: its sweep (read its table at {@code GET /sweeps/{sweepId}/table}). */
    public record Run(String sweepId, String reproduction, int version, String scale, Instant createdAt, String status) {
    }

    /** {@code GET /reproductions}. */
    public record Catalogue(List<Reproduction> reproductions) {
    }
}
