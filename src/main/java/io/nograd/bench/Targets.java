package io.nograd.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Time to test accuracy for the bench: the wall time (solver, evaluation and all, from the solver's
 * construction on) at the end of the first epoch whose test accuracy reaches each target. Set by
 * {@code -Dnograd.bench.targets=0.85,0.87}; {@code -Dnograd.bench.max-seconds=S} stops the run at the
 * first epoch end past S seconds, and the run also stops once every target is reached.
 */
final class Targets {

    private final double[] targets;
    private final double maxSeconds;
    private final double[] reachedAt;
    private final int[] reachedEpoch;
    private volatile String stopReason;

    private Targets(double[] targets, double maxSeconds) {
        this.targets = targets;
        this.maxSeconds = maxSeconds;
        this.reachedAt = new double[targets.length];
        this.reachedEpoch = new int[targets.length];
        Arrays.fill(reachedAt, Double.NaN);
    }

    static Targets fromProperties() {
        String list = System.getProperty("nograd.bench.targets", "");
        double[] t = list.isBlank() ? new double[0] : Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).toArray();
        return new Targets(t, Double.parseDouble(System.getProperty("nograd.bench.max-seconds", "Infinity")));
    }

    /** The cancellation the run polls: true once a stop was decided at an epoch end. */
    boolean stop() {
        return stopReason != null;
    }

    String stopReason() {
        return stopReason;
    }

    void onEpoch(int epoch, Double testAccuracy, double wall) {
        boolean all = targets.length > 0;
        for (int i = 0; i < targets.length; i++) {
            if (Double.isNaN(reachedAt[i]) && testAccuracy != null && testAccuracy >= targets[i]) {
                reachedAt[i] = wall;
                reachedEpoch[i] = epoch;
            }
            all &= !Double.isNaN(reachedAt[i]);
        }
        if (all) stopReason = "every target reached";
        else if (wall > maxSeconds) stopReason = String.format(Locale.ROOT, "past the %.0f s limit", maxSeconds);
    }

    void print(int epochs, double wall) {
        for (int i = 0; i < targets.length; i++) {
            if (Double.isNaN(reachedAt[i])) {
                System.out.printf(Locale.ROOT, "# time to test accuracy %.2f: never reached (%d epochs, %.1f s wall)%n", targets[i], epochs, wall);
            } else {
                System.out.printf(Locale.ROOT, "# time to test accuracy %.2f: %.1f s wall (epoch %d)%n", targets[i], reachedAt[i], reachedEpoch[i]);
            }
        }
    }
}
