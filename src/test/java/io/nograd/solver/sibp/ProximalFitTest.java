package io.nograd.solver.sibp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.nn.Activation;
import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;
import io.nograd.nn.Passes;

/**
 * {@link ProximalFit}'s fused passes (blocks, lanes, the bias solved on vectors, ReLU's σ′ by min and max) against
 * a plain float64 reference: Fletcher–Reeves CG written on W and on b themselves, element by element, with the same
 * Gauss–Newton first step and Armijo backtracking. The layer (60 × 100) spans two chunks of a pass, several blocks
 * and a partial one, and bias pieces that wrap columns, so every seam of the fused loops is crossed.
 */
class ProximalFitTest {

    private static final int IN = 30;
    private static final int OUT = 60;
    private static final int M = 100;
    private static final double LAMBDA = 0.7;

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @CsvSource({"relu,1", "relu,2", "tanh,1", "leaky-relu,2", "sigmoid,1"})
    void weightAndBiasSolvesMatchTheReferenceCg(String name, int threads) {
        Activation phi = Activation.of(name, null);
        SplittableRandom rng = new SplittableRandom(11);
        R064Store f = random(IN, M, rng);
        R064Store w0 = random(OUT, IN, rng);
        R064Store b0 = random(OUT, 1, rng);
        R064Store target = random(OUT, M, rng);
        for (int i = 0; i < target.data.length; i++) target.data[i] = Math.max(0, target.data[i]);

        ProximalFit fit = new ProximalFit(OUT, M, 5, 0.6, 0.1, Passes.of(threads));
        R064Store gram = Ops.make(M, M);
        Gemm.get().multiply(true, false, f, f, gram);
        R064Store z = affine(w0, f, b0);
        fit.solve(z, target, phi, LAMBDA, ProximalFit.gram(Gemm.get(), gram));
        R064Store w = w0.copy();
        Gemm.get().gemm(false, true, 1, fit.coefficients(), f, 1, w);

        Reference ref = new Reference(phi, f, target);
        R064Store wRef = ref.solveWeights(w0, b0);
        assertSame(ref, fit, wRef, w, affine(wRef, f, b0), z, "W");

        fit.solveBias(z, target, phi, LAMBDA);
        R064Store b = b0.copy();
        fit.addBiasStep(b.data);
        R064Store bRef = ref.solveBias(wRef, b0);
        assertSame(ref, fit, bRef, b, affine(wRef, f, bRef), z, "b");
    }

    /** θ, Z, the data term and ‖θ − θ^k‖² of the fit against the reference's last solve, which moved θ. */
    private static void assertSame(Reference ref, ProximalFit fit, R064Store thetaRef, R064Store theta, R064Store zRef,
                                   R064Store z, String name) {
        assertClose(thetaRef, theta, name);
        assertClose(zRef, z, "Z after the " + name + " solve");
        assertEquals(ref.data, fit.finalResidual(), 1e-9 * ref.data, "data term after the " + name + " solve");
        assertEquals(ref.step, fit.stepSquared(), 1e-9 * ref.step, "‖" + name + " − " + name + "^k‖²");
        assertTrue(ref.step > 0, "the reference moved " + name);
    }

    /** ReLU's σ′ by min and max equals the compare z &gt; 0 everywhere but NaN (which gives NaN). */
    @Test
    void reluSlopeIsTheCompare() {
        double[] z = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300, -1e-300, 1, -1, 3.5e7,
                Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        double[] out = new double[z.length];
        ProximalFit.reluSlope(z, out, 0, z.length);
        for (int i = 0; i < z.length - 1; i++) assertEquals(z[i] > 0 ? 1.0 : 0.0, out[i], "σ′(" + z[i] + ")");
        assertTrue(Double.isNaN(out[z.length - 1]));
    }

    private static void assertClose(R064Store expected, R064Store actual, String what) {
        double err = Ops.distance(expected, actual);
        assertTrue(err <= 1e-9 * (1 + Ops.norm(expected)), what + ": ‖reference − fit‖ = " + err + " of " + Ops.norm(expected));
    }

    private static R064Store affine(R064Store w, R064Store f, R064Store b) {
        R064Store z = Ops.make((int) w.countRows(), (int) f.countColumns());
        Gemm.get().multiply(false, false, w, f, z);
        Ops.addColumn(z, b);
        return z;
    }

    private static R064Store random(int rows, int cols, SplittableRandom rng) {
        R064Store s = Ops.make(rows, cols);
        for (int i = 0; i < s.data.length; i++) s.data[i] = rng.nextDouble(-1, 1);
        return s;
    }

    /** eq. (4.1)'s two subproblems by nonlinear CG on θ itself: every vector θ-shaped, every sum in index order. */
    private static final class Reference {
        final Activation phi;
        final R064Store f;
        final R064Store target;
        double data;
        double step;

        Reference(Activation phi, R064Store f, R064Store target) {
            this.phi = phi;
            this.f = f;
            this.target = target;
        }

        R064Store solveWeights(R064Store w0, R064Store b) {
            return solve(w0, w -> affine(w, f, b), (w, s) -> {
                R064Store grad = Ops.make(OUT, IN);
                Gemm.get().multiply(false, true, s, f, grad);
                return grad;
            }, dw -> affine(dw, f, Ops.make(OUT, 1)));
        }

        R064Store solveBias(R064Store w, R064Store b0) {
            R064Store wf = affine(w, f, Ops.make(OUT, 1));
            return solve(b0, b -> {
                R064Store z = wf.copy();
                Ops.addColumn(z, b);
                return z;
            }, (b, s) -> {
                R064Store grad = Ops.make(OUT, 1);
                for (int j = 0; j < M; j++) for (int r = 0; r < OUT; r++) grad.data[r] += s.data[j * OUT + r];
                return grad;
            }, db -> {
                R064Store dz = Ops.make(OUT, M);
                Ops.addColumn(dz, db);
                return dz;
            });
        }

        interface Map1 { R064Store at(R064Store theta); }
        interface Map2 { R064Store at(R064Store theta, R064Store s); }

        /** z(θ) the pre-activation, dataGrad(θ, S) = ∂/∂θ of ⟨S, Z(θ)⟩, dz(d) the change of Z along d. */
        private R064Store solve(R064Store theta0, Map1 z, Map2 dataGrad, Map1 dz) {
            R064Store theta = theta0.copy();
            double h = objective(theta, theta0, z);
            R064Store d = null;
            double ggPrev = 0;
            for (int k = 0; k < 5; k++) {
                R064Store zk = z.at(theta);
                R064Store s = Ops.make(OUT, M);
                R064Store slope = Ops.make(OUT, M);
                for (int i = 0; i < s.data.length; i++) {
                    slope.data[i] = phi.derivative(zk.data[i]);
                    s.data[i] = slope.data[i] * (phi.apply(zk.data[i]) - target.data[i]);
                }
                R064Store g = dataGrad.at(theta, s);
                for (int i = 0; i < g.data.length; i++) g.data[i] = 2 * g.data[i] + (theta.data[i] - theta0.data[i]) / LAMBDA;
                double gg = dot(g, g);
                if (!(gg > 0)) break;
                double beta = k == 0 ? 0 : gg / ggPrev;
                ggPrev = gg;
                R064Store next = Ops.make((int) g.countRows(), (int) g.countColumns());
                for (int i = 0; i < g.data.length; i++) next.data[i] = -g.data[i] + (d == null ? 0 : beta * d.data[i]);
                if (!(dot(g, next) < 0)) for (int i = 0; i < g.data.length; i++) next.data[i] = -g.data[i];
                d = next;
                double gd = dot(g, d);
                R064Store dzd = dz.at(d);
                double curvature = 0;
                for (int i = 0; i < dzd.data.length; i++) curvature += Math.pow(slope.data[i] * dzd.data[i], 2);
                double alpha = -gd / (2 * curvature + dot(d, d) / LAMBDA);
                boolean accepted = false;
                for (int t = 0; t < 30 && Double.isFinite(alpha); t++) {
                    R064Store trial = theta.copy();
                    Ops.axpy(alpha, d, trial);
                    double trialH = objective(trial, theta0, z);
                    if (trialH <= h + 0.1 * alpha * gd + 1e-12 * Math.abs(h)) {
                        theta = trial;
                        h = trialH;
                        accepted = true;
                        break;
                    }
                    alpha *= 0.6;
                }
                if (!accepted) break;
            }
            data = dataTerm(z.at(theta));
            step = Math.pow(Ops.distance(theta, theta0), 2);
            return theta;
        }

        private double objective(R064Store theta, R064Store theta0, Map1 z) {
            return dataTerm(z.at(theta)) + Math.pow(Ops.distance(theta, theta0), 2) / (2 * LAMBDA);
        }

        private double dataTerm(R064Store z) {
            double sum = 0;
            for (int i = 0; i < z.data.length; i++) sum += Math.pow(phi.apply(z.data[i]) - target.data[i], 2);
            return sum;
        }

        private static double dot(R064Store a, R064Store b) {
            double sum = 0;
            for (int i = 0; i < a.data.length; i++) sum += a.data[i] * b.data[i];
            return sum;
        }
    }
}
