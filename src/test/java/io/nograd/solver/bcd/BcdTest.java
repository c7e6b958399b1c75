package io.nograd.solver.bcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.nograd.TestData;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;

class BcdTest {

    private static List<EpochMetrics> run(String dataset, List<Integer> layers, int epochs, Integer batch, Integer trainLimit,
                                          Map<String, Object> params) {
        return run(dataset, layers, "mse", epochs, batch, trainLimit, params);
    }

    private static List<EpochMetrics> run(String dataset, List<Integer> layers, String loss, int epochs, Integer batch,
                                          Integer trainLimit, Map<String, Object> params) {
        return TestData.train(new JobSpec("bcd test", "bcd", dataset, null, layers, "relu", null, loss, epochs,
                batch, trainLimit, 1L, params, null)).epochs();
    }

    /** Full batch with the authors' defaults: the objective falls every iteration and MNIST is learnt. */
    @Test
    void fullBatchDescendsAndLearnsMnist() {
        List<EpochMetrics> rows = run("mnist", List.of(784, 100, 100, 10), 6, null, 2000, Map.of());
        for (int e = 1; e < rows.size(); e++) {
            assertTrue(rows.get(e).objective() < rows.get(e - 1).objective(),
                    "objective " + rows.get(e - 1).objective() + " → " + rows.get(e).objective() + " at iteration " + (e + 1));
        }
        assertTrue(rows.get(rows.size() - 1).testAccuracy() >= 0.75, "test accuracy " + rows.get(rows.size() - 1).testAccuracy());
        assertEquals(3, rows.get(0).diagnostics().get("constraintResiduals").length);
    }

    /** Without the proximal terms (α = 0) it still trains; mini-batches each keep their own U, V. */
    @Test
    void variantsTrainTheBlobs() {
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of("alpha", 0), Map.of("gamma", 2, "rho", 0.5))) {
            List<EpochMetrics> rows = run("blobs", List.of(20, 16, 4), 5, 100, 600, params);
            assertTrue(rows.get(rows.size() - 1).testAccuracy() >= 0.85, params + ": " + rows.get(rows.size() - 1).testAccuracy());
        }
    }

    /** With the cross-entropy the output step is the shared loss prox; the objective still falls every iteration. */
    @Test
    void crossEntropyDescends() {
        List<EpochMetrics> rows = run("blobs", List.of(20, 16, 4), "cross-entropy", 5, null, 600, Map.of());
        for (int e = 1; e < rows.size(); e++) assertTrue(rows.get(e).objective() < rows.get(e - 1).objective(), "iteration " + (e + 1));
        assertTrue(rows.get(rows.size() - 1).testAccuracy() >= 0.85, "test accuracy " + rows.get(rows.size() - 1).testAccuracy());
    }

    /**
     * Float32 products and factors (the defaults) follow the float64 iteration: the objective within 10⁻³ of it
     * relatively and test accuracy within a point, iteration by iteration.
     */
    @Test
    void float32FollowsFloat64() {
        List<EpochMetrics> single = run("mnist", List.of(784, 100, 100, 10), 4, null, 2000, Map.of());
        List<EpochMetrics> dbl = run("mnist", List.of(784, 100, 100, 10), 4, null, 2000, Map.of("precision", "float64", "factors", "float64"));
        for (int e = 0; e < dbl.size(); e++) {
            double f32 = single.get(e).objective();
            double f64 = dbl.get(e).objective();
            assertTrue(Math.abs(f32 - f64) <= 1e-3 * f64, "objective " + f32 + " against " + f64 + " at iteration " + (e + 1));
            assertTrue(f32 != f64, "the same bits at iteration " + (e + 1) + ": the products did not run in float32");
            assertEquals(dbl.get(e).testAccuracy(), single.get(e).testAccuracy(), 0.01, "iteration " + (e + 1));
        }
    }

    /** The U step's closed form is the minimiser of (max(x, 0) − t)² + r(x − v)², checked against a grid. */
    @Test
    void reluProxIsTheMinimiser() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int k = 0; k < 2000; k++) {
            double t = rnd.nextDouble(-3, 3);
            double v = rnd.nextDouble(-3, 3);
            double r = Math.exp(rnd.nextDouble(-3, 3));
            double x = Bcd.reluProx(t, v, r);
            double fx = f(x, t, v, r);
            for (double y = -6; y <= 6; y += 0.001) {
                assertTrue(fx <= f(y, t, v, r) + 1e-9, "prox(" + t + ", " + v + ", " + r + ") = " + x + " but " + y + " is better");
            }
        }
    }

    private static double f(double x, double t, double v, double r) {
        double a = Math.max(x, 0) - t;
        return a * a + r * (x - v) * (x - v);
    }
}
