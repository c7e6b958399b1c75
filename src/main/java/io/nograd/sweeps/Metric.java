package io.nograd.sweeps;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import io.nograd.jobs.EpochMetrics;

/** A per-epoch figure a sweep prunes, aggregates and tabulates by, and which way is better. */
public enum Metric {
    TEST_ACCURACY("testAccuracy", true, EpochMetrics::testAccuracy),
    TRAIN_ACCURACY("trainAccuracy", true, EpochMetrics::trainAccuracy),
    TEST_LOSS("testLoss", false, m -> m.testLoss()),
    TRAIN_LOSS("trainLoss", false, m -> m.trainLoss()),
    OBJECTIVE("objective", false, EpochMetrics::objective);

    private final String id;
    private final boolean higherIsBetter;
    private final Function<EpochMetrics, Double> value;

    Metric(String id, boolean higherIsBetter, Function<EpochMetrics, Double> value) {
        this.id = id;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
    }

    public String id() {
        return id;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The epoch's value, or null when the run does not report it (accuracy of an autoencoder, no objective). */
    public Double of(EpochMetrics m) {
        Double v = value.apply(m);
        return v == null || !Double.isFinite(v) ? null : v;
    }

    /** True when {@code a} is strictly worse than {@code b}. */
    public boolean worse(double a, double b) {
        return higherIsBetter ? a < b : a > b;
    }

    /** The better of two values. */
    public double better(double a, double b) {
        return worse(a, b) ? b : a;
    }

    /** Best value of the rows up to and including {@code epoch}; null when none has one. */
    public Double bestUpTo(List<EpochMetrics> rows, int epoch) {
        Double best = null;
        for (EpochMetrics m : rows) {
            Double v = m.epoch() <= epoch ? of(m) : null;
            if (v != null) best = best == null ? v : better(best, v);
        }
        return best;
    }

    public static Metric of(String id) {
        for (Metric m : values()) if (m.id.equals(id)) return m;
        throw new IllegalArgumentException("unknown metric '" + id + "'; one of " + ids());
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Metric::id).toList();
    }
}
