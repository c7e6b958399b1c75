package io.nograd.nn;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Weight initialisation: {@code glorot-uniform} (U(±√(6/(in+out))), the default), {@code he}
 * (N(0, 2/in)) or {@code gaussian} (N(0, σ²) with σ = {@code scale}); biases start at {@code bias}.
 */
public record Init(String kind, double scale, double bias) {

    public static final List<String> KINDS = List.of("glorot-uniform", "he", "gaussian");
    public static final Init GLOROT = new Init("glorot-uniform", 0, 0);

    public Init {
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("unknown init '" + kind + "'; known: " + KINDS);
    }

    /** Fills w (out × in, column-major) from rng. */
    void fill(double[] w, int out, int in, SplittableRandom rng) {
        switch (kind) {
            case "glorot-uniform" -> {
                double limit = Math.sqrt(6.0 / (in + out));
                for (int i = 0; i < w.length; i++) w[i] = (2 * rng.nextDouble() - 1) * limit;
            }
            case "he" -> {
                double sd = Math.sqrt(2.0 / in);
                for (int i = 0; i < w.length; i++) w[i] = sd * gaussian(rng);
            }
            default -> {
                for (int i = 0; i < w.length; i++) w[i] = scale * gaussian(rng);
            }
        }
    }

    /** A standard normal draw (Box–Muller, one of the pair), reproducible from the generator alone. */
    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
