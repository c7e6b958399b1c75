package io.nograd.sweeps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.nograd.jobs.EpochMetrics;

/**
 * The two early-stopping rules, decided for one cell at the end of one of its epochs from the stored epoch
 * rows of the sweep's cells. Pure: the same rows give the same decision.
 * <ul>
 * <li><b>median</b> (Optuna's MedianPruner): after the warmup, a cell whose best value so far is worse than the
 * median of the other cells' best values up to the same epoch stops, once at least {@code minPeers} other
 * cells have reached that epoch.</li>
 * <li><b>asha</b> (asynchronous successive halving, Li et al. 2020, in its stopping form as in Optuna's
 * SuccessiveHalvingPruner): rungs sit at epochs minEpochs·η^k below the last epoch; a cell reaching a rung
 * goes on only if its value there ranks within the top ⌊n/η⌋ (at least the top one) of the n cells that
 * reached that rung so far, itself included.</li>
 * </ul>
 */
final class Pruner {

    /** Why a cell stops: the rule, the epoch, its value and the threshold it missed, in words too. */
    record Decision(String rule, int epoch, double value, double threshold, String reason) {
    }

    private Pruner() {
    }

    /**
     * @param own   the cell's rows up to this epoch
     * @param peers the rows of every other cell of the sweep
     */
    static Optional<Decision> decide(SweepRequest.Prune p, Metric metric, int epoch, int epochs, List<EpochMetrics> own,
                                     Collection<List<EpochMetrics>> peers) {
        if (epoch >= epochs) return Optional.empty();
        return "median".equals(p.rule()) ? median(p, metric, epoch, own, peers) : asha(p, metric, epoch, own, peers);
    }

    static Optional<Decision> median(SweepRequest.Prune p, Metric metric, int epoch, List<EpochMetrics> own, Collection<List<EpochMetrics>> peers) {
        if (epoch <= p.warmup()) return Optional.empty();
        Double value = metric.bestUpTo(own, epoch);
        if (value == null) return Optional.empty();
        List<Double> others = new ArrayList<>();
        for (List<EpochMetrics> rows : peers) {
            if (rows.stream().anyMatch(m -> m.epoch() == epoch)) {
                Double v = metric.bestUpTo(rows, epoch);
                if (v != null) others.add(v);
            }
        }
        if (others.size() < p.minPeers()) return Optional.empty();
        others.sort(null);
        int n = others.size();
        double median = n % 2 == 1 ? others.get(n / 2) : (others.get(n / 2 - 1) + others.get(n / 2)) / 2;
        if (!metric.worse(value, median)) return Optional.empty();
        return Optional.of(new Decision("median", epoch, value, median, String.format(Locale.ROOT,
                "median rule: at epoch %d, %s %.6g (best so far) is %s the median %.6g of the %d other cells at epoch %d",
                epoch, metric.id(), value, metric.higherIsBetter() ? "below" : "above", median, n, epoch)));
    }

    static Optional<Decision> asha(SweepRequest.Prune p, Metric metric, int epoch, List<EpochMetrics> own, Collection<List<EpochMetrics>> peers) {
        int rung = rung(p, epoch);
        if (rung < 0) return Optional.empty();
        Double value = valueAt(metric, own, epoch);
        if (value == null) return Optional.empty();
        List<Double> at = new ArrayList<>();
        at.add(value);
        for (List<EpochMetrics> rows : peers) {
            Double v = valueAt(metric, rows, epoch);
            if (v != null) at.add(v);
        }
        at.sort(metric.higherIsBetter() ? (a, b) -> Double.compare(b, a) : Double::compare);
        int keep = Math.max(1, at.size() / p.reduction());
        double threshold = at.get(keep - 1);
        if (!metric.worse(value, threshold)) return Optional.empty();
        return Optional.of(new Decision("asha", epoch, value, threshold, String.format(Locale.ROOT,
                "asha: at rung %d (epoch %d), %s %.6g is not in the top %d of the %d cells that reached it (threshold %.6g, reduction %d)",
                rung, epoch, metric.id(), value, keep, at.size(), threshold, p.reduction())));
    }

    /** The rung index of {@code epoch} (minEpochs·η^k), or -1 when it is not a rung. */
    static int rung(SweepRequest.Prune p, int epoch) {
        long r = p.minEpochs();
        for (int k = 0; r <= epoch; k++, r *= p.reduction()) {
            if (r == epoch) return k;
        }
        return -1;
    }

    private static Double valueAt(Metric metric, List<EpochMetrics> rows, int epoch) {
        for (EpochMetrics m : rows) if (m.epoch() == epoch) return metric.of(m);
        return null;
    }
}
