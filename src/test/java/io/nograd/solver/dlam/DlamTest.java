package io.nograd.solver.dlam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.Activation;
import io.nograd.solver.Cancellation;
import io.nograd.solver.SolverRegistry;

/** DLAM trained on real data: accuracy by a plain forward pass, and Lemma 1's monotone objective. */
class DlamTest {

    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    private static final DatasetRegistry DATASETS = new DatasetRegistry(FASHION, Path.of("/nonexistent"));

    private static List<EpochMetrics> train(String dataset, List<Integer> layers, String activation, String loss,
                                            int epochs, Integer trainLimit, Map<String, Object> params) {
        JobSpec spec = new JobSpec("dlam test", "dlam", dataset, null, layers, activation, null, loss, epochs, null,
                trainLimit, 1L, params, null);
        ValidatedSpec vs = new JobSpecValidator(SolverRegistry.builtIn(), DATASETS, 1, 4L << 30).validate(spec);
        List<EpochMetrics> out = new ArrayList<>();
        new Training(vs, DATASETS.get(vs.datasetName())).run(vs.newNetwork(), 1, Cancellation.NEVER, out::add);
        return out;
    }

    private static void assertDecreasing(List<EpochMetrics> run) {
        for (int k = 1; k < run.size(); k++) {
            double before = run.get(k - 1).objective();
            double after = run.get(k).objective();
            assertTrue(after <= before * (1 + 1e-12), "F rose at iteration " + (k + 1) + ": " + before + " -> " + after);
        }
    }

    /** Fashion-MNIST on 3 000 samples (one batch), seed 1, with float64 and with float32 products; F falls in both. */
    private static Map<String, List<EpochMetrics>> inBothPrecisions(List<Integer> layers, int epochs) {
        Map<String, List<EpochMetrics>> runs = new java.util.HashMap<>();
        for (String precision : List.of("float64", "float32")) {
            List<EpochMetrics> run = train("fashion-mnist", layers, "relu", "cross-entropy", epochs, 3000, Map.of("precision", precision));
            assertDecreasing(run);
            runs.put(precision, run);
        }
        return runs;
    }

    @Test
    void lemma1ObjectiveDecreasesMonotonicallyForFixedEpsilon() {
        assumeTrue(FASHION.resolve("train-images-idx3-ubyte.gz").toFile().exists()
                || FASHION.resolve("train-images-idx3-ubyte").toFile().exists(), "Fashion-MNIST not installed");
        List<EpochMetrics> run = train("fashion-mnist", List.of(784, 64, 64, 10), "relu", "cross-entropy", 12, 2000,
                Map.of("epsilonSchedule", "fixed", "epsilon", 0.05));
        assertDecreasing(run);
        EpochMetrics last = run.get(run.size() - 1);
        assertTrue(last.objective() < 0.5 * run.get(0).objective(), "F fell too little: " + last.objective());
        assertEquals(0.05, last.diagnostics().get("epsilon")[0]);
    }

    @Test
    void defaultsLearnFashionMnistWithTheObjectiveFallingEveryIteration() {
        assumeTrue(FASHION.resolve("train-images-idx3-ubyte.gz").toFile().exists()
                || FASHION.resolve("train-images-idx3-ubyte").toFile().exists(), "Fashion-MNIST not installed");
        List<EpochMetrics> run = train("fashion-mnist", List.of(784, 100, 100, 10), "relu", "cross-entropy", 25, 3000, Map.of());
        assertDecreasing(run);
        EpochMetrics last = run.get(run.size() - 1);
        assertTrue(last.testAccuracy() >= 0.60, "test accuracy after 25 full-batch iterations: " + last.testAccuracy());
        double[] eps = last.diagnostics().get("epsilon");
        assertTrue(eps[0] < 1, "ε never shrank: " + eps[0]);
        assertEquals(3, last.diagnostics().get("constraintResiduals").length);
        assertEquals(3, last.diagnostics().get("weightFrobeniusNorms").length);
    }

    /**
     * params.precision = float32: the products on float32 copies (z, a are float32 either way). The same data and
     * seed train to the float64 run's accuracy, and F still falls at every iteration (the ε guard's costs are
     * computed with the same products as F).
     */
    @Test
    void float32ProductsTrainAsFloat64() {
        assumeTrue(FASHION.resolve("train-images-idx3-ubyte.gz").toFile().exists()
                || FASHION.resolve("train-images-idx3-ubyte").toFile().exists(), "Fashion-MNIST not installed");
        Map<String, List<EpochMetrics>> runs = inBothPrecisions(List.of(784, 100, 100, 10), 20);
        double f64 = runs.get("float64").get(19).testAccuracy();
        double f32 = runs.get("float32").get(19).testAccuracy();
        assertTrue(f32 >= 0.55, "float32: test accuracy after 20 iterations " + f32);
        assertEquals(f64, f32, 0.02, "float32 " + f32 + " against float64 " + f64);
    }

    /**
     * One hidden layer: with float32 products its W a is kept from the z step for the ε guard and the next W step
     * (the other keepLast case than 784-100-100-10's), and the a step recomputes ∇_a φ from the kept output residual.
     * It trains as the float64 products do, F falling at every iteration.
     */
    @Test
    void oneHiddenLayerKeepsItsProductAndTrainsAsFloat64() {
        assumeTrue(FASHION.resolve("train-images-idx3-ubyte.gz").toFile().exists()
                || FASHION.resolve("train-images-idx3-ubyte").toFile().exists(), "Fashion-MNIST not installed");
        Map<String, List<EpochMetrics>> runs = inBothPrecisions(List.of(784, 100, 10), 15);
        for (int k = 0; k < 15; k++) {
            double f64 = runs.get("float64").get(k).objective();
            double f32 = runs.get("float32").get(k).objective();
            assertEquals(f64, f32, 1e-3 * f64, "F at iteration " + (k + 1));
        }
        double f64 = runs.get("float64").get(14).testAccuracy();
        double f32 = runs.get("float32").get(14).testAccuracy();
        assertTrue(f32 >= 0.5, "float32: test accuracy after 15 iterations " + f32);
        assertEquals(f64, f32, 0.02, "float32 " + f32 + " against float64 " + f64);
    }

    /**
     * A fixed partition (three batches, each keeping its z, a): every step sees r = W a + b − z with the weights
     * in force, not a batch's residual as of its own last iteration, which the other batches have since moved
     * (kept stale, the training loss grew from iteration 5 and the test accuracy stalled near 0.41).
     */
    /** The projections and sums split over the job's threads, ε shrinks included: the same bits on 1, 2 or 3. */
    @Test
    void anyThreadBudgetTrainsTheSameBits() {
        assumeTrue(FASHION.resolve("train-images-idx3-ubyte.gz").toFile().exists()
                || FASHION.resolve("train-images-idx3-ubyte").toFile().exists(), "Fashion-MNIST not installed");
        List<EpochMetrics> run = io.nograd.TestData.assertSameOnAnyThreadCount(new JobSpec("dlam threads", "dlam", "fashion-mnist", null,
                List.of(784, 100, 100, 10), "relu", null, "cross-entropy", 4, null, 3000, 1L, Map.of(), null)).epochs();
        assertTrue(run.get(3).diagnostics().get("epsilon")[0] < run.get(0).diagnostics().get("epsilon")[0], "ε shrank (the pending projections ran)");
    }

    @Test
    void aFixedPartitionLearnsWithTheResidualsOfTheCurrentWeights() {
        assumeTrue(FASHION.resolve("train-images-idx3-ubyte.gz").toFile().exists()
                || FASHION.resolve("train-images-idx3-ubyte").toFile().exists(), "Fashion-MNIST not installed");
        JobSpec spec = new JobSpec("dlam test", "dlam", "fashion-mnist", null, List.of(784, 100, 100, 10), "relu", null,
                "cross-entropy", 15, 1000, 3000, 1L, Map.of(), null);
        ValidatedSpec vs = new JobSpecValidator(SolverRegistry.builtIn(), DATASETS, 1, 4L << 30).validate(spec);
        List<EpochMetrics> run = new ArrayList<>();
        new Training(vs, DATASETS.get(vs.datasetName())).run(vs.newNetwork(), 1, Cancellation.NEVER, run::add);
        assertTrue(run.get(14).trainLoss() < run.get(4).trainLoss(), "training loss rose: " + run.get(4).trainLoss()
                + " -> " + run.get(14).trainLoss());
        assertTrue(run.get(14).testAccuracy() >= 0.5, "test accuracy after 15 iterations: " + run.get(14).testAccuracy());
    }

    /**
     * With MSE the output z_L fits the targets in the first iteration, the descent left is tiny and the guard
     * holds ε near 0.2, where the hidden a_l memorise the classes: the forward pass stays at chance. Without
     * the guard ε reaches epsilonMin and the forward pass learns; F then rises only at the ε shrinks.
     */
    @Test
    void mseAndSmoothActivationsLearnBlobsWithoutTheGuard() {
        for (String activation : List.of("sigmoid", "tanh", "leaky-relu")) {
            List<EpochMetrics> run = train("blobs", List.of(20, 32, 4), activation, "mse", 30, null,
                    Map.of("epsilonGuard", false));
            double acc = run.get(run.size() - 1).testAccuracy();
            assertTrue(acc >= 0.9, activation + ": test accuracy " + acc);
            assertDecreasing(run.subList(12, run.size()));
        }
    }

    @Test
    void epsilonBallBoundsInvertEveryActivation() {
        for (String name : Quasilinear.SUPPORTED) {
            Activation h = Activation.of(name, null);
            Quasilinear q = Quasilinear.of(h);
            for (double y : new double[] {-0.7, -0.2, 0.1, 0.5, 0.9, 2.5}) {
                if (!(y > h.apply(-20) && y < h.apply(20))) continue;
                assertEquals(y, h.apply(q.lower(y)), 1e-9, name + " lower " + y);
                assertEquals(y, h.apply(q.upper(y)), 1e-9, name + " upper " + y);
            }
        }
        Quasilinear relu = Quasilinear.of(Activation.of("relu", null));
        assertEquals(Double.NEGATIVE_INFINITY, relu.lower(-0.1));
        assertEquals(0.3, relu.lower(0.3));
        assertEquals(0.3, relu.upper(0.3));
    }
}
