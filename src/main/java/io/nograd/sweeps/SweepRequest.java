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
 * @param random        seeded random draws, instead of or beside the grid (each grid point × each draw)
 * @param seeds         the {@code seed} of every configuration's repeats; default: the base's seed
 * @param maxConcurrent cells queued or running at once
 * @param prune         early stopping of cells at epoch boundaries; null for none
 * @param shuffle       when set, cells are released in an order shuffled by this seed instead of the grid's order:
 *                      pruning compares a cell with those that ran before it, so a grid listed from worst to best
 *                      would otherwise never prune
 */
public record SweepRequest(String name, ObjectNode base, LinkedHashMap<String, List<JsonNode>> grid, RandomSearch random,
                           List<Long> seeds, Integer maxConcurrent, Prune prune, Long shuffle) {

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
