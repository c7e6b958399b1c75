package io.nograd.solver.proxbp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.TestData;
import io.nograd.TestData.Run;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Ops;

class ProxbpTest {

    private static Run train(String dataset, List<Integer> layers, String activation, String loss, int epochs,
                             Integer trainLimit, Map<String, Object> params) {
        return TestData.train(new JobSpec("proxbp test", "proxbp", dataset, null, layers, activation, null, loss, epochs, 100,
                trainLimit, 3L, params, null));
    }

    /** The update and its norms on the job's threads: the same bits on 1, 2 or 3, with and without momentum, in both precisions. */
    @Test
    void anyThreadBudgetTrainsTheSameBits() {
        for (Map<String, Object> params : List.of(Map.<String, Object>of(), Map.<String, Object>of("momentum", 0.9, "precision", "float32"))) {
            TestData.assertSameOnAnyThreadCount(new JobSpec("proxbp threads", "proxbp", "fashion-mnist", null, List.of(784, 100, 10), "relu",
                    null, "cross-entropy", 1, 100, 2000, 3L, params, null));
        }
    }

    /** A layer's proximal subproblem: input a, error g, weights θ^k = [W b], built from a seed. */
    private record Problem(R064Store a, R064Store g, R064Store w, R064Store b) {
        static Problem random(int in, int out, int m, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            R064Store a = Ops.make(in, m);
            R064Store g = Ops.make(out, m);
            R064Store w = Ops.make(out, in);
            R064Store b = Ops.make(out, 1);
            for (R064Store s : List.of(a, g, w, b)) for (int i = 0; i < s.data.length; i++) s.data[i] = rnd.nextDouble(-1, 1);
            return new Problem(a, g, w, b);
        }

        int in() { return Ops.rows(a); }

        int out() { return Ops.rows(g); }

        int m() { return Ops.cols(a); }

        /** θ^k + X·ãᵀ as an out × (in + 1) array [W b], computed element by element. */
        double[][] stepped(R064Store x) {
            double[][] theta = new double[out()][in() + 1];
            for (int r = 0; r < out(); r++) {
                for (int c = 0; c <= in(); c++) {
                    double v = c < in() ? w.get(r, c) : b.get(r, 0);
                    for (int j = 0; j < m(); j++) v += x.get(r, j) * (c < in() ? a.get(c, j) : 1);
                    theta[r][c] = v;
                }
            }
            return theta;
        }

        /** ½‖θã − (θ^kã − τg)‖² + 1/(2τ_θ)‖θ − θ^k‖², the objective of the proximal step, element by element. */
        double objective(double[][] theta, double tau, double tauTheta) {
            double fit = 0;
            double prox = 0;
            for (int r = 0; r < out(); r++) {
                for (int j = 0; j < m(); j++) {
                    double now = theta[r][in()];
                    double old = b.get(r, 0);
                    for (int c = 0; c < in(); c++) {
                        now += theta[r][c] * a.get(c, j);
                        old += w.get(r, c) * a.get(c, j);
                    }
                    double d = now - (old - tau * g.get(r, j));
                    fit += d * d;
                }
                for (int c = 0; c <= in(); c++) {
                    double d = theta[r][c] - (c < in() ? w.get(r, c) : b.get(r, 0));
                    prox += d * d;
                }
            }
            return 0.5 * fit + prox / (2 * tauTheta);
        }

        /** The normal equations' residual θ(ããᵀ + I/τ_θ) − (z^{k+½}ãᵀ + θ^k/τ_θ), Frobenius norm, element by element. */
        double normalResidual(double[][] theta, double tau, double tauTheta) {
            double sum = 0;
            for (int r = 0; r < out(); r++) {
                double[] fitErr = new double[m()];
                for (int j = 0; j < m(); j++) {
                    double now = theta[r][in()];
                    double old = b.get(r, 0);
                    for (int c = 0; c < in(); c++) {
                        now += theta[r][c] * a.get(c, j);
                        old += w.get(r, c) * a.get(c, j);
                    }
                    fitErr[j] = now - (old - tau * g.get(r, j));
                }
                for (int c = 0; c <= in(); c++) {
                    double v = (theta[r][c] - (c < in() ? w.get(r, c) : b.get(r, 0))) / tauTheta;
                    for (int j = 0; j < m(); j++) v += fitErr[j] * (c < in() ? a.get(c, j) : 1);
                    sum += v * v;
                }
            }
            return Math.sqrt(sum);
        }
    }

    @Test
    void theExactStepSolvesTheRidgeProblem() {
        for (int[] shape : new int[][] {{30, 7, 12}, {5, 4, 20}}) {   // batch smaller and larger than in + 1
            Problem pr = Problem.random(shape[0], shape[1], shape[2], 11);
            double tau = 0.3;
            double tauTheta = 2;
            ProximalStep step = new ProximalStep(pr.out(), pr.m(), true);
            double[][] theta = pr.stepped(step.solve(pr.a(), pr.g(), tau, tauTheta, 1));
            double start = pr.normalResidual(pr.stepped(Ops.make(pr.out(), pr.m())), tau, tauTheta);
            double end = pr.normalResidual(theta, tau, tauTheta);
            assertTrue(end < 1e-9 * start, "normal equations met: residual " + end + " from " + start);
            assertEquals(start, step.initialResidual(), 1e-9 * start);
            assertTrue(step.finalResidual() < 1e-9 * start, "reported residual " + step.finalResidual());
        }
    }

    @Test
    void conjugateGradientsDescendToTheExactStep() {
        Problem pr = Problem.random(40, 6, 15, 5);
        double tau = 0.5;
        double tauTheta = 1;
        ProximalStep exact = new ProximalStep(pr.out(), pr.m(), true);
        double best = pr.objective(pr.stepped(exact.solve(pr.a(), pr.g(), tau, tauTheta, 1)), tau, tauTheta);
        double previous = pr.objective(pr.stepped(Ops.make(pr.out(), pr.m())), tau, tauTheta);
        ProximalStep cg = new ProximalStep(pr.out(), pr.m(), false);
        for (int n : new int[] {1, 2, 4, 8}) {
            double f = pr.objective(pr.stepped(cg.solve(pr.a(), pr.g(), tau, tauTheta, n)), tau, tauTheta);
            assertTrue(f < previous, n + " CG steps lower the objective further: " + f + " vs " + previous);
            assertTrue(f >= best - 1e-9 * Math.abs(best), n + " CG steps stay above the minimum " + best + ": " + f);
            previous = f;
        }
        // CG ends in at most m + 1 steps per row (the coefficient space's dimension): then it is the exact step
        double[][] solved = pr.stepped(cg.solve(pr.a(), pr.g(), tau, tauTheta, pr.m() + 1));
        assertTrue(pr.normalResidual(solved, tau, tauTheta) < 1e-6 * cg.initialResidual(), "residual " + cg.finalResidual());
        assertEquals(best, pr.objective(solved, tau, tauTheta), 1e-9 * Math.abs(best));
    }

    /** A small τ_θ makes the proximal step the gradient step of size τ·τ_θ (the paper's limit case). */
    @Test
    void aSmallProximalStepIsAGradientStep() {
        Problem pr = Problem.random(10, 3, 8, 9);
        double tau = 1;
        double tauTheta = 1e-7;
        ProximalStep step = new ProximalStep(pr.out(), pr.m(), true);
        double[][] theta = pr.stepped(step.solve(pr.a(), pr.g(), tau, tauTheta, 1));
        for (int r = 0; r < pr.out(); r++) {
            for (int c = 0; c <= pr.in(); c++) {
                double grad = 0;   // ∂/∂θ of Σ g∘(θã) = g·ãᵀ
                for (int j = 0; j < pr.m(); j++) grad += pr.g().get(r, j) * (c < pr.in() ? pr.a().get(c, j) : 1);
                double old = c < pr.in() ? pr.w().get(r, c) : pr.b().get(r, 0);
                assertEquals(old - tau * tauTheta * grad, theta[r][c], 1e-4 * tau * tauTheta * Math.abs(grad) + 1e-12);
            }
        }
    }

    @Test
    void trainsMnistWithDefaults() {
        Run run = train("mnist", List.of(784, 100, 10), "relu", "cross-entropy", 2, 3000, Map.of());
        assertTrue(run.last().testAccuracy() >= 0.80, "test accuracy " + run.last().testAccuracy());
        assertTrue(run.epochs().get(1).objective() < run.epochs().get(0).objective(), "the mean batch loss falls");
        assertEquals(0, run.last().diagnostics().get("proxResidualRatios")[1], "the output layer takes a gradient step");
        double ratio = run.last().diagnostics().get("proxResidualRatios")[0];
        assertTrue(ratio < 1e-8, "the exact solve meets the normal equations: " + ratio);
    }

    /**
     * params.precision = float32: back-propagation and the step X·ãᵀ on float32 copies, the m × m solve in float64, so
     * the exact step still meets its normal equations; the same data and seed train as float64 does.
     */
    @Test
    void float32ProductsTrainAsFloat64() {
        Run f64 = train("mnist", List.of(784, 100, 10), "relu", "cross-entropy", 2, 3000, Map.of("precision", "float64"));
        Run f32 = train("mnist", List.of(784, 100, 10), "relu", "cross-entropy", 2, 3000, Map.of("precision", "float32"));
        assertTrue(f32.last().testAccuracy() >= 0.80, "float32: test accuracy " + f32.last().testAccuracy());
        assertEquals(f64.last().testAccuracy(), f32.last().testAccuracy(), 0.02, "float32 against float64");
        assertTrue(f32.last().diagnostics().get("proxResidualRatios")[0] < 1e-8, "the float64 solve is exact either way");
    }

    /** The SIBP paper's baseline: τ = η = 0.1, τ_θ = λ = 1, five CG steps, summed loss, every layer proximal. */
    @Test
    void trainsMnistAsTheSibpPaperRanIt() {
        Run run = train("mnist", List.of(784, 100, 10), "relu", "cross-entropy", 2, 3000, Map.of("tau", 0.1, "tauTheta", 1,
                "solve", "cg", "cgIterations", 5, "momentum", 0, "reduction", "sum", "outputLayer", "proximal"));
        assertTrue(run.last().testAccuracy() >= 0.85, "test accuracy " + run.last().testAccuracy());
        for (double ratio : run.last().diagnostics().get("proxResidualRatios")) {
            assertTrue(ratio > 1e-3 && ratio < 1, "five CG steps reduce each layer's residual, not to zero: " + ratio);
        }
    }

    /** The SIBP paper's reading (summed loss, every layer proximal), one CG step without momentum, and the defaults. */
    @Test
    void everyVariantLearnsTheBlobs() {
        for (Map<String, Object> params : List.<Map<String, Object>>of(
                Map.of("reduction", "sum", "outputLayer", "proximal", "tau", 0.1, "momentum", 0),
                Map.of("momentum", 0, "tau", 0.5, "solve", "cg", "cgIterations", 1),
                Map.of())) {
            Run run = train("blobs", List.of(20, 32, 4), "relu", "cross-entropy", 4, null, params);
            assertTrue(run.last().testAccuracy() >= 0.9, params + ": test accuracy " + run.last().testAccuracy());
            assertTrue(run.last().objective() < run.epochs().get(0).objective(), params + ": the mean batch loss falls");
            assertTrue(run.net().isFinite());
        }
    }
}
