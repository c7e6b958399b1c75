package io.nograd.solver.sibp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.TestData;
import io.nograd.TestData.Run;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Activation;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Gemm;
import io.nograd.nn.Ops;
import io.nograd.nn.Passes;

class SibpTest {

    private static Run train(String dataset, List<Integer> layers, String activation, String loss, int epochs,
                             Integer trainLimit, Map<String, Object> params) {
        return TestData.train(new JobSpec("sibp test", "sibp", dataset, null, layers, activation, null, loss, epochs, 100,
                trainLimit, 3L, params, null));
    }

    @Test
    void trainsFashionMnistWithDefaults() {
        Run run = train("fashion-mnist", List.of(784, 200, 10), "relu", "cross-entropy", 2, 3000, Map.of());
        // measured on this job: Adam (lr 1e-3) 0.762 test after 2 epochs, SIBP 0.817
        assertTrue(run.last().testAccuracy() >= 0.79, "test accuracy " + run.last().testAccuracy());
        for (EpochMetrics m : run.epochs()) {
            assertTrue(m.objective() > 0, "a sweep lowers the batch loss (Theorem 4.1): " + m.objective());
            assertEquals(2, m.diagnostics().get("fitResidualRatios").length);
            assertEquals(2, m.diagnostics().get("weightFrobeniusNorms").length);
        }
    }

    /** The CG's passes split over the job's threads: the same weights and figures, bit for bit, on 1, 2 or 3. */
    @Test
    void anyThreadBudgetTrainsTheSameBits() {
        TestData.assertSameOnAnyThreadCount(new JobSpec("sibp threads", "sibp", "fashion-mnist", null, List.of(784, 200, 10), "relu",
                null, "cross-entropy", 1, 100, 2000, 3L, Map.of(), null));
    }

    @Test
    void trainsWithMseLoss() {
        Run run = train("fashion-mnist", List.of(784, 200, 10), "relu", "mse", 2, 3000, Map.of("eta", 0.5));
        assertTrue(run.last().testAccuracy() >= 0.75, "test accuracy " + run.last().testAccuracy());
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "leaky-relu", "sigmoid", "tanh", "softplus"})
    void everyActivationTrainsTheBlobs(String activation) {
        Run run = train("blobs", List.of(20, 32, 4), activation, "cross-entropy", 3, null, Map.of());
        assertTrue(run.last().testAccuracy() >= 0.9, activation + ": test accuracy " + run.last().testAccuracy());
    }

    /** Table 2's claim on a subset: large η and λ both far off the defaults still train, with no NaN. */
    @Test
    void largeStepsStayStable() {
        Run run = train("fashion-mnist", List.of(784, 200, 10), "relu", "cross-entropy", 2, 2000,
                Map.of("eta", 10, "lambda", 100));
        assertTrue(run.net().isFinite());
        assertTrue(run.last().testAccuracy() >= 0.6, "test accuracy " + run.last().testAccuracy());
    }

    /** §5.5: the ℓ1 term of Remark 4.1 zeroes most weights while the network still classifies. */
    @Test
    void l1PrunesTheWeights() {
        Run run = train("fashion-mnist", List.of(784, 200, 10), "relu", "cross-entropy", 2, 3000,
                Map.of("regularizer", "l1", "gamma", 0.001));
        double[] w = run.net().weight(0).data;
        long zeros = java.util.Arrays.stream(w).filter(v -> v == 0).count();
        assertTrue(zeros > 0.4 * w.length, "zero weights: " + zeros + " of " + w.length);
        assertTrue(run.last().testAccuracy() >= 0.7, "test accuracy " + run.last().testAccuracy());
    }

    @Test
    void perLayerLambdaMustMatchTheDepth() {
        JobSpec spec = new JobSpec("sibp", "sibp", "blobs", null, List.of(20, 8, 4), "relu", null, "cross-entropy", 1, 100,
                null, 3L, Map.of("lambda", List.of(1, 2, 3)), null);
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.nograd.system.ValidationException.class,
                () -> TestData.validate(spec));
        assertEquals("params.lambda", e.errors().get(0).field());
    }

    /**
     * The CG in coefficient space is CG on W: the Z it ends at is W·F + b for W = W^k + C·Fᵀ, its residual is the
     * data term at that W, and the subproblem objective of eq. (4.1) went down from W^k.
     */
    @ParameterizedTest(name = "{0}, float32 products: {1}")
    @CsvSource({"relu,false", "tanh,false", "relu,true", "tanh,true"})
    void subproblemSolvedInCoefficientSpaceIsTheWeightProblem(String name, boolean float32) {
        Activation phi = Activation.of(name, null);
        int in = 30;
        int out = 12;
        int m = 20;
        double lambda = 0.5;
        SplittableRandom rng = new SplittableRandom(5);
        R064Store f = random(in, m, rng);
        R064Store w0 = random(out, in, rng);
        R064Store b = random(out, 1, rng);
        R064Store target = random(out, m, rng);
        R064Store z = Ops.make(out, m);
        Gemm.get().multiply(false, false, w0, f, z);
        Ops.addColumn(z, b);
        double before = objective(w0, w0, f, b, target, phi, lambda);

        R064Store gram = Ops.make(m, m);
        Gemm.get().multiply(true, false, f, f, gram);
        ProximalFit fit = new ProximalFit(out, m, 5, 0.6, 0.1, Passes.of(1));
        fit.solve(z, target, phi, lambda, ProximalFit.gram(Float32Gemm.of(float32, Gemm.get()), gram));
        R064Store w = w0.copy();
        Gemm.get().gemm(false, true, 1, fit.coefficients(), f, 1, w);

        R064Store direct = Ops.make(out, m);
        Gemm.get().multiply(false, false, w, f, direct);
        Ops.addColumn(direct, b);
        // float32 products of the kernel: Z = W F + b and the sums to float32's rounding, not float64's
        double tol = float32 ? 1e-5 : 1e-9;
        assertTrue(Ops.distance(direct, z) < tol * (1 + Ops.norm(z)), "Z tracked = W F + b");
        double data = objective(w, w, f, b, target, phi, lambda);
        assertEquals(data, fit.finalResidual(), tol * data);
        assertEquals(Math.pow(Ops.distance(w, w0), 2), fit.stepSquared(), tol * (1 + fit.stepSquared()));
        double after = objective(w, w0, f, b, target, phi, lambda);
        assertTrue(after < 0.9 * before, "h went from " + before + " to " + after);
    }

    private static double objective(R064Store w, R064Store w0, R064Store f, R064Store b, R064Store target,
                                    Activation phi, double lambda) {
        R064Store z = Ops.make((int) w.countRows(), (int) f.countColumns());
        Gemm.get().multiply(false, false, w, f, z);
        Ops.addColumn(z, b);
        double sum = 0;
        for (int i = 0; i < z.data.length; i++) {
            double r = phi.apply(z.data[i]) - target.data[i];
            sum += r * r;
        }
        return sum + Math.pow(Ops.distance(w, w0), 2) / (2 * lambda);
    }

    private static R064Store random(int rows, int cols, SplittableRandom rng) {
        R064Store s = Ops.make(rows, cols);
        for (int i = 0; i < s.data.length; i++) s.data[i] = rng.nextDouble(-1, 1);
        return s;
    }
}
