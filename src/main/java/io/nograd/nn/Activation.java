package io.nograd.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An element-wise activation φ with its derivative φ′ and its Lipschitz constant β (the LPOM paper's
 * Table 3). Parametrised activations take their constants from the job spec's {@code activationParams}:
 * {@code leaky-relu} and {@code elu} take {@code alpha}; {@code dcutlu} takes {@code lower} and {@code upper}.
 */
public abstract class Activation {

    /** Every activation name the spec accepts, in the order the API lists them. */
    public static final List<String> NAMES =
            List.of("relu", "leaky-relu", "sigmoid", "tanh", "elu", "softplus", "dcutlu", "identity");

    public static final Activation IDENTITY = new Activation("identity", 1) {
        @Override public double apply(double z) { return z; }
        @Override public double derivative(double z) { return 1; }
        @Override public void apply(double[] in, double[] out, int from, int to) { if (in != out) System.arraycopy(in, from, out, from, to - from); }
        @Override public void derivative(double[] z, double[] out, int from, int to) { Arrays.fill(out, from, to, 1); }
        @Override public void apply(float[] in, float[] out, int from, int to) { if (in != out) System.arraycopy(in, from, out, from, to - from); }
        @Override public void derivative(float[] z, float[] out, int from, int to) { Arrays.fill(out, from, to, 1f); }
        @Override public void multiplyByDerivative(float[] z, float[] delta, float[] scratch, int from, int to) { }
        @Override public boolean identityAboveZero() { return true; }
    };

    /** The bits of 1.0, of the sign, and of +∞ (a NaN's bits without the sign are above these). */
    private static final long ONE_BITS = 0x3FF0000000000000L;
    private static final long SIGN_BIT = 0x8000000000000000L;
    private static final long INFINITY_BITS = 0x7FF0000000000000L;

    private final String name;
    private final double lipschitz;

    private Activation(String name, double lipschitz) {
        this.name = name;
        this.lipschitz = lipschitz;
    }

    /**
     * The activation called {@code name}, with its constants from {@code params} (missing ones take their
     * defaults: alpha 0.01 for leaky-relu, 1 for elu; lower 0 and upper 1 for dcutlu).
     *
     * @throws IllegalArgumentException for an unknown name or an inconsistent constant
     */
    public static Activation of(String name, Map<String, Double> params) {
        Map<String, Double> p = params == null ? Map.of() : params;
        return switch (name) {
            case "relu" -> new Activation("relu", 1) {
                @Override public double apply(double z) { return z > 0 ? z : 0; }
                @Override public double derivative(double z) { return z > 0 ? 1 : 0; }
                @Override public boolean identityAboveZero() { return true; }
                // Array forms without the virtual call, which the JIT vectorizes (ReLU is every baseline's
                // hidden activation; these loops were a sixth of an Adam epoch).
                @Override public void apply(double[] in, double[] out, int from, int to) { for (int i = from; i < to; i++) out[i] = Math.max(in[i], 0.0); }
                /**
                 * φ′ = 1 where z &gt; 0, else 0 (NaN included), from z's bits: all-ones masks where z ≤ 0 (as a long:
                 * z ≤ 0, −0) or z is NaN, so the loop has no compare and the JIT vectorizes it; the compare per element
                 * mispredicts on mixed signs (5× slower on SIBP's 500 × 100 layers, bench/results/performance.md §5.2).
                 */
                @Override
                public void derivative(double[] z, double[] out, int from, int to) {
                    for (int i = from; i < to; i++) {
                        long bits = Double.doubleToRawLongBits(z[i]);
                        long zero = (bits - 1) >> 63 | bits >> 63 | (INFINITY_BITS - (bits & ~SIGN_BIT)) >> 63;
                        out[i] = Double.longBitsToDouble(ONE_BITS & ~zero);
                    }
                }
                @Override public void apply(float[] in, float[] out, int from, int to) { for (int i = from; i < to; i++) out[i] = Math.max(in[i], 0f); }
                @Override public void derivative(float[] z, float[] out, int from, int to) { for (int i = from; i < to; i++) out[i] = z[i] > 0 ? 1f : 0f; }

                /**
                 * Keeps delta where z &gt; 0 and zeroes it elsewhere with an integer mask (all ones when z's bits
                 * are ≤ 0 as an int: z ≤ 0, −0): the JIT vectorizes it; the float compare above it does not
                 * (10× slower on a 500 × 100 layer).
                 */
                @Override
                public void multiplyByDerivative(float[] z, float[] delta, float[] scratch, int from, int to) {
                    for (int i = from; i < to; i++) {
                        int bits = Float.floatToRawIntBits(z[i]);
                        int zero = (bits - 1) >> 31 | bits >> 31;
                        delta[i] = Float.intBitsToFloat(Float.floatToRawIntBits(delta[i]) & ~zero);
                    }
                }
            };
            case "leaky-relu" -> {
                double alpha = p.getOrDefault("alpha", 0.01);
                if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("activationParams.alpha must be in [0, 1) for leaky-relu");
                yield new Activation("leaky-relu", 1) {
                    @Override public double apply(double z) { return z > 0 ? z : alpha * z; }
                    @Override public double derivative(double z) { return z > 0 ? 1 : alpha; }
                    @Override public boolean identityAboveZero() { return true; }
                };
            }
            case "sigmoid" -> new Activation("sigmoid", 0.25) {
                @Override public double apply(double z) { return sigmoid(z); }
                @Override public double derivative(double z) { double s = sigmoid(z); return s * (1 - s); }
                @Override public boolean attainsBounds() { return false; }
                @Override public boolean bounded() { return true; }
            };
            case "tanh" -> new Activation("tanh", 1) {
                @Override public double apply(double z) { return tanh(z); }
                @Override public double derivative(double z) { double t = tanh(z); return 1 - t * t; }
                @Override public boolean attainsBounds() { return false; }
                @Override public boolean bounded() { return true; }
            };
            case "elu" -> {
                double alpha = p.getOrDefault("alpha", 1.0);
                if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("activationParams.alpha must be in (0, 1] for elu");
                yield new Activation("elu", 1) {
                    @Override public double apply(double z) { return z > 0 ? z : alpha * Math.expm1(z); }
                    @Override public double derivative(double z) { return z > 0 ? 1 : alpha * Math.exp(z); }
                    @Override public boolean attainsBounds() { return false; }
                    @Override public boolean identityAboveZero() { return true; }
                };
            }
            case "softplus" -> new Activation("softplus", 1) {
                @Override public double apply(double z) { return z > 30 ? z : Math.log1p(Math.exp(z)); }
                @Override public double derivative(double z) { return sigmoid(z); }
                @Override public boolean attainsBounds() { return false; }
            };
            case "dcutlu" -> {
                double lower = p.getOrDefault("lower", 0.0);
                double upper = p.getOrDefault("upper", 1.0);
                if (!(lower < upper)) throw new IllegalArgumentException("activationParams.lower must be below activationParams.upper for dcutlu");
                yield new DCutLU(lower, upper);
            }
            case "identity" -> IDENTITY;
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'; known: " + NAMES);
        };
    }

    /** The double-cut linear unit of Zhang and Kleijn: min(max(z, lower), upper). */
    public static final class DCutLU extends Activation {
        private final double lower;
        private final double upper;

        DCutLU(double lower, double upper) {
            super("dcutlu", 1);
            this.lower = lower;
            this.upper = upper;
        }

        @Override public double lower() { return lower; }
        @Override public double upper() { return upper; }
        @Override public double apply(double z) { return z < lower ? lower : (z > upper ? upper : z); }
        @Override public double derivative(double z) { return z > lower && z < upper ? 1 : 0; }
        @Override public boolean bounded() { return true; }
    }

    /**
     * tanh z = 1 − 2/(e^{2z} + 1), through the exp intrinsic, which Math.tanh is not on JDK 17 (time and accuracy against it:
     * bench/results/performance.md §11); 0 at 0 and ±1 exactly for large |z|, as Math.tanh.
     */
    static double tanh(double z) {
        return 1 - 2 / (Math.exp(2 * z) + 1);
    }

    static double sigmoid(double z) {
        if (z >= 0) return 1 / (1 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1 + e);
    }

    public String name() { return name; }

    /**
     * Whether φ takes its finite bounds at finite arguments (ReLU's 0, dcutlu's both): true by default, and for an
     * unbounded φ. Sigmoid, tanh, ELU and softplus only approach theirs, so their range is open.
     */
    public boolean attainsBounds() { return true; }

    /** Whether φ's range is bounded at both ends (sigmoid, tanh, dcutlu). */
    public boolean bounded() { return false; }

    /** Whether φ(z) = z for every z &gt; 0 (identity, ReLU, leaky ReLU, ELU): its slope is constant there. */
    public boolean identityAboveZero() { return false; }

    /** φ(−Double.MAX_VALUE): the lower end of φ's range where it is bounded below (attained or approached), else huge. */
    public double lower() { return apply(-Double.MAX_VALUE); }

    /** φ(Double.MAX_VALUE): the upper end of φ's range, as {@link #lower}. */
    public double upper() { return apply(Double.MAX_VALUE); }

    /** β: the Lipschitz constant of φ. */
    public double lipschitz() { return lipschitz; }

    public abstract double apply(double z);

    /** φ′(z), taken as the right derivative where φ has a kink. */
    public abstract double derivative(double z);

    /** out[i] = φ(in[i]) for the first n entries; in and out may be the same array. */
    public final void apply(double[] in, double[] out, int n) {
        apply(in, out, 0, n);
    }

    /** out[i] = φ(in[i]) for i in [from, to); in and out may be the same array. */
    public void apply(double[] in, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = apply(in[i]);
    }

    /** out[i] = φ′(z[i]) for the first n entries. */
    public final void derivative(double[] z, double[] out, int n) {
        derivative(z, out, 0, n);
    }

    /** out[i] = φ′(z[i]) for i in [from, to) (a slice of an element-wise pass, {@link Passes}). */
    public void derivative(double[] z, double[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = derivative(z[i]);
    }

    /** out[i] = φ(in[i]) in float32 (the gradient baselines' default precision); in and out may be the same array. */
    public final void apply(float[] in, float[] out, int n) {
        apply(in, out, 0, n);
    }

    /** The same for i in [from, to) (a column or slice of a pass). */
    public void apply(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = (float) apply(in[i]);
    }

    /** out[i] = φ′(z[i]) in float32. */
    public final void derivative(float[] z, float[] out, int n) {
        derivative(z, out, 0, n);
    }

    /** The same for i in [from, to). */
    public void derivative(float[] z, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = (float) derivative(z[i]);
    }

    /** delta[i] ← delta[i]·φ′(z[i]) in float32 (back-propagation's step through φ); scratch may hold φ′. */
    public final void multiplyByDerivative(float[] z, float[] delta, float[] scratch, int n) {
        multiplyByDerivative(z, delta, scratch, 0, n);
    }

    /** The same for i in [from, to). */
    public void multiplyByDerivative(float[] z, float[] delta, float[] scratch, int from, int to) {
        derivative(z, scratch, from, to);
        for (int i = from; i < to; i++) delta[i] *= scratch[i];
    }

    @Override public String toString() { return name; }
}
