package io.nograd.solver.lpom;

import io.nograd.nn.Activation;

/**
 * The element-wise terms of LPOM's objective (19): f(x) = ∫₀ˣ (φ⁻¹(y) − y) dy and g(x) = ∫₀ˣ (φ(y) − y) dy,
 * in the closed forms of Table 3. They are only evaluated to report F(W, X); the updates never use them.
 * <p>
 * Table 3 prints indefinite integrals; here the constants are fixed so that f(0) = g(0) = 0 as the
 * definitions require (ELU's f and g differ from the table by −α and α, sigmoid's g by −log 2). Softplus
 * has no closed form (Table 3), so {@link #of} returns null for it and no objective is reported.
 */
abstract class LiftedTerms {

    private static final double LOG2 = Math.log(2);

    /** f(x), +∞ outside the range of φ. */
    abstract double f(double x);

    abstract double g(double x);

    /** Σ f over the first n entries. */
    double sumF(double[] x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += f(x[i]);
        return s;
    }

    /** Σ g over the first n entries. */
    double sumG(double[] x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += g(x[i]);
        return s;
    }

    /**
     * The terms of φ, or null when Table 3 has no closed form. The α of leaky ReLU and ELU is read back from
     * φ itself (φ(−1) = −α, resp. α(e⁻¹ − 1)), so any spec's activationParams are honoured.
     */
    static LiftedTerms of(Activation phi) {
        return switch (phi.name()) {
            case "identity" -> new LiftedTerms() {
                @Override double f(double x) { return 0; }
                @Override double g(double x) { return 0; }
            };
            case "relu" -> new LiftedTerms() {
                @Override double f(double x) { return x >= 0 ? 0 : Double.POSITIVE_INFINITY; }
                @Override double g(double x) { return x >= 0 ? 0 : -0.5 * x * x; }
            };
            case "leaky-relu" -> {
                double alpha = -phi.apply(-1);
                yield new LiftedTerms() {
                    @Override double f(double x) { return x >= 0 ? 0 : (1 - alpha) / (2 * alpha) * x * x; }
                    @Override double g(double x) { return x >= 0 ? 0 : (alpha - 1) / 2 * x * x; }
                };
            }
            case "sigmoid" -> new LiftedTerms() {
                @Override double f(double x) {
                    return x < 0 || x > 1 ? Double.POSITIVE_INFINITY : xLogX(x) + xLogX(1 - x) - 0.5 * x * x;
                }
                @Override double g(double x) {
                    double softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
                    return softplus - LOG2 - 0.5 * x * x;
                }
            };
            case "tanh" -> new LiftedTerms() {
                @Override double f(double x) {
                    return x < -1 || x > 1 ? Double.POSITIVE_INFINITY : 0.5 * (xLogX(1 - x) + xLogX(1 + x)) - 0.5 * x * x;
                }
                @Override double g(double x) {
                    double a = Math.abs(x);
                    return a + Math.log1p(Math.exp(-2 * a)) - LOG2 - 0.5 * x * x;
                }
            };
            case "elu" -> {
                double alpha = phi.apply(-1) / Math.expm1(-1);
                yield new LiftedTerms() {
                    @Override double f(double x) {
                        if (x >= 0) return 0;
                        if (x < -alpha) return Double.POSITIVE_INFINITY;
                        return (alpha + x) * Math.log1p(x / alpha) - x - 0.5 * x * x;
                    }
                    @Override double g(double x) { return x >= 0 ? 0 : alpha * (Math.expm1(x) - x) - 0.5 * x * x; }
                };
            }
            default -> null;
        };
    }

    /** u·log u, continued by 0 at u = 0. */
    private static double xLogX(double u) {
        return u > 0 ? u * Math.log(u) : 0;
    }
}
