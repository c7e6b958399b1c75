package io.nograd.solver.ipdlam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.nograd.TestData;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Activation;
import io.nograd.nn.Loss;
import io.nograd.solver.Params;
import io.nograd.system.ValidationException;

class IpdlamTest {

    private static JobSpec spec(List<Integer> layers, String loss, int epochs, int batch, Integer trainLimit, Map<String, Object> params) {
        return new JobSpec("t", "ipdlam", "fashion-mnist", null, layers, "relu", null, loss, epochs, batch, trainLimit, 3L, params, null);
    }

    private static List<EpochMetrics> run(JobSpec spec) {
        return TestData.train(spec).epochs();
    }

    @Test
    void trainsFashionMnistAndBeatsPlainDlamOnTheSameData() {
        List<EpochMetrics> ipdlam = run(spec(List.of(784, 300, 10), "mse", 3, 256, 4000, Map.of()));
        List<EpochMetrics> dlam = run(spec(List.of(784, 300, 10), "mse", 3, 256, 4000, Map.of("preset", "plain-am")));
        for (EpochMetrics m : ipdlam) {
            assertTrue(m.testAccuracy() > 0.76, "ipdlam test accuracy " + m.testAccuracy() + " at epoch " + m.epoch());
            assertEquals(2, m.diagnostics().get("weightFrobeniusNorms").length);
            assertEquals(2, m.diagnostics().get("sampledConstraintResiduals").length);
            assertEquals(1, m.diagnostics().get("activationGaps").length);
        }
        // Fig. 1: the inertial proximal terms pay off against α = β = γ = δ = 0
        for (int e = 0; e < 3; e++) {
            assertTrue(ipdlam.get(e).testAccuracy() > dlam.get(e).testAccuracy() + 0.05,
                    "epoch " + (e + 1) + ": ipdlam " + ipdlam.get(e).testAccuracy() + " vs dlam " + dlam.get(e).testAccuracy());
        }
    }

    /** The extrapolations, the hidden z step and the a step's right-hand side on the job's threads: the same bits on 1, 2 or 3. */
    @Test
    void anyThreadBudgetTrainsTheSameBits() {
        TestData.assertSameOnAnyThreadCount(spec(List.of(784, 100, 100, 10), "mse", 1, 256, 2000, Map.of()));
        TestData.assertSameOnAnyThreadCount(spec(List.of(784, 100, 100, 10), "mse", 2, 500, 2000, Map.of("mode", "full-batch")));
    }

    @Test
    void crossEntropyOutputTrainsToo() {
        List<EpochMetrics> ms = run(spec(List.of(784, 200, 10), "cross-entropy", 2, 256, 3000, Map.of()));
        assertTrue(ms.get(1).testAccuracy() > 0.74, "test accuracy " + ms.get(1).testAccuracy());
    }

    @Test
    void fullBatchLowersItsObjectiveEveryIteration() {
        List<EpochMetrics> ms = run(spec(List.of(784, 100, 10), "mse", 5, 1000, 3000, Map.of("mode", "full-batch")));
        for (int e = 1; e < ms.size(); e++) {
            assertTrue(ms.get(e).objective() < ms.get(e - 1).objective(), "objective rose at epoch " + (e + 1) + ": " + ms);
        }
        assertTrue(ms.get(4).testAccuracy() > 0.72, "test accuracy " + ms.get(4).testAccuracy());
    }

    @Test
    void keptModeUsesAFixedPartitionAndTrains() {
        IpdlamFactory f = new IpdlamFactory();
        assertFalse(f.shuffles(Params.validate(f.params(), Map.of("mode", "minibatch-kept"))));
        assertFalse(f.shuffles(Params.validate(f.params(), Map.of("mode", "full-batch"))));
        assertTrue(f.shuffles(Params.defaults(f.params())));
        List<EpochMetrics> ms = run(spec(List.of(784, 100, 10), "mse", 2, 500, 3000, Map.of("mode", "minibatch-kept")));
        assertTrue(ms.get(0).testAccuracy() > 0.7, "test accuracy " + ms.get(0).testAccuracy());
    }

    @Test
    void fullBatchThatCannotFitInTheHeapIsRefusedNamingTheMode() {
        int width = (int) Math.min(20_000, Runtime.getRuntime().maxMemory() / (32L * 60_000) + 500);
        JobSpec tooBig = spec(List.of(784, width, width, 10), "mse", 1, 512, null, Map.of("mode", "full-batch"));
        ValidationException e = assertThrows(ValidationException.class, () -> TestData.validate(tooBig));
        // the memory estimate counts the per-sample z and a this mode keeps, and says which mode does without
        assertTrue(e.errors().stream().anyMatch(err -> err.message().contains("MiB") && err.message().contains("params.mode minibatch")),
                e.errors().toString());
        JobSpec streamed = spec(List.of(784, 1500, 1500, 10), "mse", 1, 512, null, Map.of());
        assertEquals("minibatch", TestData.validate(streamed).spec().params().get("mode"));
    }

    @Test
    void reluProxIsTheExactMinimiserOfItsSubproblem() {
        Ipdlam relu = solver("relu");
        Ipdlam leaky = solver("leaky-relu");
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            double t = 4 * rng.nextDouble() - 2;
            double v = 4 * rng.nextDouble() - 2;
            double r = 0.1 + 3 * rng.nextDouble();
            assertMinimises(relu, Activation.of("relu", null), t, v, r);
            assertMinimises(leaky, Activation.of("leaky-relu", Map.of("alpha", 0.1)), t, v, r);
        }
    }

    /** Stored jobs that name the preset by its former name run exactly as plain-am. */
    @Test
    void theFormerPresetNameIsPlainAm() {
        List<EpochMetrics> renamed = run(spec(List.of(784, 32, 10), "mse", 2, 250, 1000, Map.of("preset", "plain-am")));
        List<EpochMetrics> former = run(spec(List.of(784, 32, 10), "mse", 2, 250, 1000, Map.of("preset", "dlam-bcd")));
        for (int e = 0; e < 2; e++) {
            assertEquals(renamed.get(e).trainLoss(), former.get(e).trainLoss(), 0.0);
            assertEquals(renamed.get(e).objective(), former.get(e).objective(), 0.0);
        }
    }

    private static Ipdlam solver(String activation) {
        Map<String, Double> ap = activation.equals("leaky-relu") ? Map.of("alpha", 0.1) : null;
        return new Ipdlam(new int[] {2, 2, 2}, Activation.of(activation, ap), Loss.MSE,
                Params.defaults(IpdlamParams.class).effective(), 1, 2, 2);
    }

    private static void assertMinimises(Ipdlam s, Activation sigma, double t, double v, double r) {
        double x = s.proxSigma(t, v, r);
        double fx = f(sigma, x, t, v, r);
        for (double y = -5; y <= 5; y += 2e-3) {
            if (fx > f(sigma, y, t, v, r) + 1e-9) fail("prox(" + t + ", " + v + ", " + r + ") = " + x + " but " + y + " is better");
        }
    }

    private static double f(Activation sigma, double x, double t, double v, double r) {
        double a = sigma.apply(x) - t;
        return a * a + r * (x - v) * (x - v);
    }
}
