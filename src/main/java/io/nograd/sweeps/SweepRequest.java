package io.nograd.sweeps;

import java.util.LinkedHashMap;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /sweeps}: a base job spec and the values to sweep, by the path of the spec's field
 * ({@code params.lr}, {@code activation}, {@code layers}, {@code init.scale} …).
 *
 * @param base          a JobSpec as for {@code POST /jobs}; every cell is this spec with its coordinates set
 * @param grid          path → the list of values to try; the cells are every combination
 * @param grids         instead of grid: several grids, the cells the union of each one's combinations (as
 *                      scikit-learn's list of parameter grids), e.g. SIBP's η × λ beside SGD's learning rates
 * @param random        seeded random draws, instead of or beside the grid (each grid point × each draw)
 * @param seeds         the {@code seed} of every configuration's repeats; default: the base's seed
 * @param maxConcurrent cells queued or running at once
 * @param prune         early stopping of cells at epoch boundaries; null for none
 * @param shuffle       when set, cells are released in an order shuffled by this seed instead of the grid's order:
 *                      pruning compares a cell with those that ran before it, so a grid listed from worst to best
 *                      would otherwise never prune
 * @param reference     figures to compare with, e.g. a paper's table: the table shows them beside the sweep's own
 */
public record SweepRequest(String name, ObjectNode base, LinkedHashMap<String, List<JsonNode>> grid,
                           List<LinkedHashMap<String, List<JsonNode>>> grids, RandomSearch random,
                           List<Long> seeds, Integer maxConcurrent, Prune prune, Long shuffle, Reference reference) {

    /**
     * Reported figures for some configurations. A figure belongs to every configuration (coordinates without
     * the seed) whose coordinates include all of its own; the table prints it beside the configuration's mean
     * and flags the difference when it exceeds the tolerance.
     *
     * @param label     what the figures are, e.g. "LPOM Table 4 (Li et al., TPAMI 2022)"
     * @param tolerance |ours − reference| above this is flagged, in the metric's unit (default 0.01: one point of accuracy)
     * @param values    at most 1000
     */
    public record Reference(String label, Double tolerance, List<ReferenceValue> values) {
    }

    /**
     * @param coordinates swept path → value, as the cells' coordinates
     * @param metric      testAccuracy (default), trainAccuracy, testLoss, trainLoss or objective
     * @param value       the reported figure, in the metric's unit (accuracy as a fraction)
     * @param source      where it is printed, e.g. "Table 4, LPOM row, column 300"
     * @param bound       null (or "exact"): the figure is a value, flagged when |ours − value| exceeds the tolerance;
     *                    "at-least" / "at-most": the paper gives only a bound ("0.8 or more"), flagged only when ours
     *                    falls below / rises above it by more than the tolerance
     */
    public record ReferenceValue(LinkedHashMap<String, JsonNode> coordinates, String metric, Double value, String source, String bound) {

        public static final List<String> BOUNDS = List.of("exact", "at-least", "at-most");

        /** Whether ours − value = {@code delta} misses this figure by more than {@code tolerance}. */
        public boolean missedBy(double delta, double tolerance) {
            double t = tolerance + 1e-12;
            if ("at-least".equals(bound)) return delta < -t;
            if ("at-most".equals(bound)) return delta > t;
            return Math.abs(delta) > t;
        }
    }

    /**
     * @param n     how many points to draw
     * @param seed  seeds the draws, so the same request draws the same points (default 0)
     * @param space path → its distribution
     */
    public record RandomSearch(Integer n, Long seed, LinkedHashMap<String, Distribution> space) {
    }

    /** Exactly one of: {@code uniform: [a, b]}, {@code logUniform: [a, b]}, {@code intUniform: [a, b]}, {@code choice: [...]}. */
    public record Distribution(List<Double> uniform, List<Double> logUniform, List<Long> intUniform, List<JsonNode> choice) {
    }

    /**
     * @param rule      {@code median} (Optuna's median rule) or {@code asha} (asynchronous successive halving)
     * @param metric    testAccuracy (default), trainAccuracy, testLoss, trainLoss or objective
     * @param warmup    median: epochs 1..warmup are never pruned (default 2)
     * @param minPeers  median: how many other cells must have reached the epoch before it prunes (default 3)
     * @param reduction asha: η, the fraction 1/η of cells at a rung that go on (default 3)
     * @param minEpochs asha: the first rung's epoch; rungs are minEpochs·η^k (default 1)
     */
    public record Prune(String rule, String metric, Integer warmup, Integer minPeers, Integer reduction, Integer minEpochs) {
    }
}
