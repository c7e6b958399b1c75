package io.nograd.solver.dlam;

import java.util.List;

import io.nograd.nn.Activation;

/**
 * The generalised inverse of a non-decreasing (quasilinear, Assumption 1) activation h, which turns the
 * ε-ball h(z) − ε ≤ a ≤ h(z) + ε into the interval of z it allows:
 * {z : a − ε ≤ h(z) ≤ a + ε} = [{@link #lower}(a − ε), {@link #upper}(a + ε)], the bounds B₁, B₂ of eq. (4).
 * For ReLU this is the authors' {@code [a − ε if a − ε > 0 else −∞, a + ε]}.
 */
abstract class Quasilinear {

    static final List<String> SUPPORTED = List.of("relu", "leaky-relu", "sigmoid", "tanh");

    /**
     * How close to the open end of a bounded range (sigmoid, tanh) a bound may come. After ε shrinks, a ball
     * around a can lie wholly beyond the range (a − ε ≥ 1 for sigmoid); z then goes to the nearest point of
     * the range, h(z) = 1 − EDGE, instead of ±∞.
     */
    static final double EDGE = 1e-12;

    private static final long NEGATIVE_INFINITY_BITS = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);

    /** inf {z : h(z) ≥ y}: −∞ when y is at or below the range of h. */
    abstract double lower(double y);

    /** sup {z : h(z) ≤ y}: +∞ when y is at or above the range of h. */
    abstract double upper(double y);

    static Quasilinear of(Activation h) {
        return switch (h.name()) {
            case "relu" -> new Quasilinear() {
                /**
                 * y &gt; 0 ? y : −∞ as a select on y's bits (positive exactly when y &gt; 0, NaNs aside), which the JIT
                 * compiles without a branch: a compare mispredicts on ReLU outputs, about half of them 0.
                 */
                @Override double lower(double y) {
                    long bits = Double.doubleToRawLongBits(y);
                    return Double.longBitsToDouble(bits > 0 ? bits : NEGATIVE_INFINITY_BITS);
                }
                @Override double upper(double y) { return y; }
            };
            case "leaky-relu" -> {
                double alpha = -h.apply(-1);
                if (alpha == 0) yield of(Activation.of("relu", null));
                yield new Quasilinear() {
                    @Override double lower(double y) { return y > 0 ? y : y / alpha; }
                    @Override double upper(double y) { return lower(y); }
                };
            }
            case "sigmoid" -> new Quasilinear() {
                @Override double lower(double y) { return y <= 0 ? Double.NEGATIVE_INFINITY : logit(Math.min(y, 1 - EDGE)); }
                @Override double upper(double y) { return y >= 1 ? Double.POSITIVE_INFINITY : logit(Math.max(y, EDGE)); }
            };
            case "tanh" -> new Quasilinear() {
                @Override double lower(double y) { return y <= -1 ? Double.NEGATIVE_INFINITY : atanh(Math.min(y, 1 - EDGE)); }
                @Override double upper(double y) { return y >= 1 ? Double.POSITIVE_INFINITY : atanh(Math.max(y, EDGE - 1)); }
            };
            default -> throw new IllegalArgumentException("DLAM needs a quasilinear activation, one of " + SUPPORTED);
        };
    }

    private static double logit(double p) {
        return Math.log(p) - Math.log1p(-p);
    }

    private static double atanh(double y) {
        return 0.5 * (Math.log1p(y) - Math.log1p(-y));
    }
}
