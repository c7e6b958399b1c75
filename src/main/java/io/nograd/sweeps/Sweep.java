package io.nograd.sweeps;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A sweep as the API shows it. The list view leaves out {@code cells} and {@code aggregates}.
 *
 * @param status     RUNNING while cells remain to run, then DONE; CANCELLED after a cancel
 * @param paths      the swept paths, then {@code seed}: the coordinates of every cell
 * @param metric     the metric of {@code final}, {@code best} and the aggregates
 * @param aggregates per configuration (coordinates without the seed): mean, standard deviation and n over its ended cells
 * @param best       the SUCCEEDED cell with the best final value (a PRUNED one only when none succeeded)
 */
public record Sweep(String id, String name, String status, Instant createdAt, Instant finishedAt, int maxConcurrent,
                    @JsonInclude(JsonInclude.Include.NON_NULL) SweepRequest.Prune prune, String metric, List<String> paths,
                    Progress progress,
                    @JsonInclude(JsonInclude.Include.NON_NULL) List<CellView> cells,
                    @JsonInclude(JsonInclude.Include.NON_NULL) List<Aggregate> aggregates,
                    @JsonInclude(JsonInclude.Include.NON_NULL) CellView best) {

    /**
     * Cells by state; {@code pending} are not released into the queue yet.
     *
     * @param epochsDone    epochs trained by all cells together
     * @param epochsPlanned epochs the cells would train without pruning
     */
    public record Progress(int cells, int pending, int queued, int running, int succeeded, int pruned, int failed, int cancelled,
                           long epochsDone, long epochsPlanned) {
    }

    /**
     * One cell.
     *
     * @param status PENDING (not released yet), a job status, or DELETED when its job was deleted
     * @param last   the metric at its last epoch ({@code final} in JSON)
     * @param best   the best value of the metric over its epochs
     * @param pruned why a rule stopped it, when it did
     * @param error  why it could not be released, or its job's error
     */
    public record CellView(int index, Map<String, Object> coordinates, String jobId, String status, int epochsDone, int epochs,
                           @JsonProperty("final") Double last, Double best,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Pruned pruned,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    }

    /** The rule that stopped a cell, at which epoch, its value there and the threshold it missed. */
    public record Pruned(String rule, int epoch, double value, double threshold, String reason) {
    }

    /** One configuration's figures over its seeds; {@code final} and {@code best} as in {@link CellView}. */
    public record Aggregate(Map<String, Object> coordinates, @JsonProperty("final") Stat last, Stat best) {
    }

    /** Mean, sample standard deviation (null below two values) and count; mean null when n is 0. */
    public record Stat(Double mean, Double std, int n) {
        static Stat of(List<Double> values) {
            int n = values.size();
            if (n == 0) return new Stat(null, null, 0);
            double sum = 0;
            for (double v : values) sum += v;
            double mean = sum / n;
            if (n < 2) return new Stat(mean, null, 1);
            double ss = 0;
            for (double v : values) ss += (v - mean) * (v - mean);
            return new Stat(mean, Math.sqrt(ss / (n - 1)), n);
        }
    }

    /** {@code GET /sweeps}: one page, newest first. */
    public record Page(List<Sweep> sweeps, long total, int limit, int offset) {
    }

    /**
     * {@code GET /sweeps/{id}/table} as JSON: {@code values[i][j]} aggregates the ended cells whose {@code rows}
     * coordinate is {@code rowValues[i]} and {@code cols} coordinate is {@code colValues[j]}, over seeds and
     * any other swept path. With {@code rows} = {@value #CONFIGURATIONS} (the default when the sweep has a
     * reference), each row is one configuration (its coordinates without the seed) and the one column the metric.
     * {@code sweep} is the sweep it was computed from, so a client draws cells and values from one snapshot.
     *
     * @param comparison the sweep's reference figures beside these values; null when it has none
     */
    public record Table(String rows, String cols, String metric, String stat, List<Object> rowValues, List<Object> colValues,
                        List<List<Stat>> values, @JsonInclude(JsonInclude.Include.NON_NULL) Comparison comparison, Sweep sweep) {

        public static final String CONFIGURATIONS = "configuration";
    }

    /**
     * Reference figures laid over a table: {@code cells[i][j]} is the figure for {@code values[i][j]}, or null.
     *
     * @param metrics the metrics the reference has figures for (ask the table for each with {@code ?metric=})
     * @param flagged how many cells differ from their figure by more than the tolerance
     */
    public record Comparison(String label, double tolerance, List<String> metrics, int figures, int flagged,
                             List<List<Compared>> cells) {
    }

    /**
     * One reference figure beside the sweep's value.
     *
     * @param bound   null: the reference is a value; "at-least" / "at-most": the paper gives only this bound
     * @param delta   ours − reference, null until a cell has ended
     * @param flagged |delta| > tolerance, or for a bound: ours beyond it by more than the tolerance
     */
    public record Compared(double reference, String bound, Double delta, boolean flagged, String source) {

        /** The reference as a table prints it: "0.9780", or "≥ 0.8000" for a bound. */
        public String shown() {
            String v = String.format(java.util.Locale.ROOT, "%.4f", reference);
            return "at-least".equals(bound) ? "≥ " + v : "at-most".equals(bound) ? "≤ " + v : v;
        }
    }
}
