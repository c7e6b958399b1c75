package io.nograd.data;

import java.util.SplittableRandom;

/** Small seeded synthetic sets for quick runs and tests; the same seed gives the same data. */
public final class Synthetic {

    private Synthetic() {
    }

    /** Two interleaved spirals in the plane (2 features, 2 classes), with Gaussian noise. */
    public static Dataset spirals(int train, int test, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[2][];
        int[][] y = new int[2][];
        int[] n = {train, test};
        for (int s = 0; s < 2; s++) {
            x[s] = new float[2 * n[s]];
            y[s] = new int[n[s]];
            for (int i = 0; i < n[s]; i++) {
                int c = i % 2;
                double t = 0.25 + 2.75 * rng.nextDouble();
                double angle = 2 * Math.PI * t * 0.75 + c * Math.PI;
                double r = t / 3;
                x[s][2 * i] = (float) (r * Math.cos(angle) + 0.03 * gauss(rng));
                x[s][2 * i + 1] = (float) (r * Math.sin(angle) + 0.03 * gauss(rng));
                y[s][i] = c;
            }
        }
        return new Dataset("spirals", 2, 2, x[0], y[0], x[1], y[1]);
    }

    /** Gaussian blobs: {@code classes} clusters in {@code features} dimensions, centres drawn in [0, 1]. */
    public static Dataset blobs(int features, int classes, int train, int test, double spread, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] centres = new double[features * classes];
        for (int i = 0; i < centres.length; i++) centres[i] = rng.nextDouble();
        float[][] x = new float[2][];
        int[][] y = new int[2][];
        int[] n = {train, test};
        for (int s = 0; s < 2; s++) {
            x[s] = new float[features * n[s]];
            y[s] = new int[n[s]];
            for (int i = 0; i < n[s]; i++) {
                int c = i % classes;
                for (int f = 0; f < features; f++) {
                    x[s][i * features + f] = (float) (centres[c * features + f] + spread * gauss(rng));
                }
                y[s][i] = c;
            }
        }
        return new Dataset("blobs", features, classes, x[0], y[0], x[1], y[1]);
    }

    private static double gauss(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
