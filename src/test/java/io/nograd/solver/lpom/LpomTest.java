package io.nograd.solver.lpom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.TestData;
import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Activation;
import io.nograd.nn.Init;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Task;
import io.nograd.solver.Params;

/** Real training on Fashion-MNIST subsets and the synthetic spirals, plus cheap checks of the paper's claims. */
class LpomTest {

    private static List<EpochMetrics> train(String dataset, String task, List<Integer> layers, String activation, String loss,
                                             int epochs, Integer trainLimit, Map<String, Object> params) {
        return TestData.train(new JobSpec("test", "lpom", dataset, task, layers, activation, null, loss, epochs, 100, trainLimit, 1L,
                params, null)).epochs();
    }

    @Test
    void serialLpomLearnsFashionMnist() {
        List<EpochMetrics> m = train("fashion-mnist", null, List.of(784, 200, 10), "relu", "mse", 2, 4000, Map.of());
        EpochMetrics last = m.get(m.size() - 1);
        assertTrue(last.testAccuracy() >= 0.78, "test accuracy " + last.testAccuracy());
        assertNotNull(last.objective());
        assertTrue(last.objective() < m.get(0).objective(), "F(W, X) should fall: " + m.get(0).objective() + " -> " + last.objective());
        assertEquals(2, last.diagnostics().get("relativeResiduals").length);
        assertEquals(2, last.diagnostics().get("weightSpectralNorms").length);
    }

    /** params.precision = float32 (products on float32 copies, one buffer set per layer so that Algorithm 3's threads share none). */
    @Test
    void float32ProductsTrainAsFloat64DoesSerialAndParallel() {
        List<Integer> layers = List.of(784, 100, 100, 10);
        for (boolean parallel : new boolean[] {false, true}) {
            double f64 = train("fashion-mnist", null, layers, "relu", "mse", 2, 3000, Map.of("parallel", parallel)).get(1).testAccuracy();
            double f32 = train("fashion-mnist", null, layers, "relu", "mse", 2, 3000,
                    Map.of("parallel", parallel, "precision", "float32")).get(1).testAccuracy();
            assertTrue(f32 >= 0.76, "float32, parallel " + parallel + ": " + f32);
            assertEquals(f64, f32, 0.01, "parallel " + parallel + ": float32 " + f32 + " against float64 " + f64);
        }
    }

    @Test
    void syncParallelMatchesSerial() {
        List<Integer> layers = List.of(784, 100, 100, 10);
        double a = train("fashion-mnist", null, layers, "relu", "mse", 2, 3000, Map.of()).get(1).testAccuracy();
        double b = train("fashion-mnist", null, layers, "relu", "mse", 2, 3000, Map.of("parallel", true)).get(1).testAccuracy();
        assertTrue(a >= 0.76, "serial " + a);
        assertTrue(b >= 0.76, "parallel " + b);
        assertEquals(a, b, 0.015, "both algorithms solve the same lifted problem");
    }

    /** A last batch of one sample: fewer columns than threads for the parallel forward pass, and a 1 × 1 Gram matrix. */
    @Test
    void lastBatchOfOneSampleInParallel() {
        List<EpochMetrics> m = train("fashion-mnist", null, List.of(784, 50, 50, 10), "relu", "mse", 2, 1001,
                Map.of("parallel", true));
        assertTrue(Double.isFinite(m.get(1).objective()));
        assertTrue(m.get(1).testAccuracy() >= 0.5, "test accuracy " + m.get(1).testAccuracy());
    }

    @Test
    void deepAutoencoderReconstructsInParallel() {
        List<EpochMetrics> m = train("fashion-mnist", "autoencoder", List.of(784, 200, 100, 200, 784), "relu", "mse", 3, 3000,
                Map.of("parallel", true, "nu", 0.3));
        double first = m.get(0).testLoss();
        double last = m.get(2).testLoss();
        assertNull(m.get(2).testAccuracy());
        assertTrue(last < 0.8 * first, "reconstruction loss " + first + " -> " + last);
        assertTrue(m.get(2).objective() < m.get(0).objective());
    }

    @Test
    void everyActivationOfTable3Trains() {
        for (String phi : List.of("sigmoid", "tanh", "leaky-relu", "elu", "softplus")) {
            List<EpochMetrics> m = train("fashion-mnist", null, List.of(784, 100, 10), phi, "mse", 1, 2000,
                    Map.of("mu", 2.0));
            EpochMetrics e = m.get(0);
            assertTrue(e.testAccuracy() >= 0.55, phi + ": test accuracy " + e.testAccuracy());
            if (phi.equals("softplus")) assertNull(e.objective(), "softplus has no closed-form f, g (Table 3)");
            else assertTrue(Double.isFinite(e.objective()), phi + ": objective " + e.objective());
        }
    }

    /**
     * A tanh output under MSE trains towards ±1 ({@link io.nograd.nn.ClassTargets}): with the one-hot's 0 off its class
     * it has to hold nine outputs in ten on tanh's steepest point, and LPOM falls short of this bar (bench/results/lpom.md,
     * session 21).
     */
    @Test
    void aTanhOutputUnderMseLearnsTowardsTheEndsOfItsRange() {
        List<EpochMetrics> m = train("mnist", null, List.of(784, 100, 10), "tanh", "mse", 3, 5000, Map.of());
        EpochMetrics last = m.get(m.size() - 1);
        assertTrue(last.testAccuracy() >= 0.86, "test accuracy " + last.testAccuracy());
    }

    @Test
    void crossEntropyOutputTrains() {
        List<EpochMetrics> m = train("fashion-mnist", null, List.of(784, 100, 10), "relu", "cross-entropy", 2, 3000, Map.of());
        assertTrue(m.get(1).testAccuracy() >= 0.75, "test accuracy " + m.get(1).testAccuracy());
    }

    /** NOTES-solvers: a forward-consistent X is a fixed point of eq. (26), which is why the output must move first. */
    @Test
    void forwardPassIsAFixedPointOfEquation26() {
        int[] sizes = {784, 50, 30, 10};
        Network net = Network.create(sizes, Activation.of("relu", null), Activation.of("relu", null), Init.GLOROT, 3);
        LpomParams p = Params.defaults(LpomParams.class).resolved(net.activation(0));
        Batches batches = new Batches(TestData.DATASETS.get("fashion-mnist"), Task.CLASSIFICATION, 100, 100, 1, false).epoch(1, 1);
        Batch batch = batches.iterator().next();
        LiftedBatch lifted = new LiftedBatch(sizes, 100, p, Loss.MSE);
        lifted.initialise(net, batch.x());
        R064Store before = lifted.x(3).copy();
        lifted.updateHidden(net, 3);
        assertTrue(Ops.distance(before, lifted.x(3)) < 1e-12 * (1 + Ops.norm(before)));
        lifted.updateOutput(net, batch.y());
        lifted.updateHidden(net, 3);
        assertTrue(Ops.distance(before, lifted.x(3)) > 1e-6, "after eq. (29) moved X^n, eq. (26) must move X^{n-1}");
    }

    /** Table 3 checked against the definitions: g′(x) = φ(x) − x, and f′(φ(z)) = z − φ(z) (φ⁻¹ never evaluated). */
    @Test
    void closedFormsOfTable3MatchTheirDefinitions() {
        double h = 1e-6;
        for (String name : List.of("sigmoid", "tanh", "relu", "leaky-relu", "elu", "identity")) {
            Activation phi = Activation.of(name, Map.of("alpha", name.equals("elu") ? 0.7 : 0.1));
            LiftedTerms t = LiftedTerms.of(phi);
            assertNotNull(t, name);
            assertEquals(0, t.f(0), 1e-12, name + " f(0)");
            assertEquals(0, t.g(0), 1e-12, name + " g(0)");
            for (double z = -2.95; z <= 3; z += 0.5) {
                double dg = (t.g(z + h) - t.g(z - h)) / (2 * h);
                assertEquals(phi.apply(z) - z, dg, 1e-5, name + " g' at " + z);
                double x = phi.apply(z);
                if (name.equals("relu") && z < 0) continue;
                double df = (t.f(x + h) - t.f(x - h)) / (2 * h);
                assertEquals(z - x, df, 1e-4 * (1 + Math.abs(z)), name + " f' at phi(" + z + ")");
            }
        }
        assertNull(LiftedTerms.of(Activation.of("softplus", null)));
    }
}
