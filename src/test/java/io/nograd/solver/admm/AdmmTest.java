package io.nograd.solver.admm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.nograd.TestData;
import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.nn.Loss;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.solver.SolverRegistry;
import io.nograd.system.FieldError;
import io.nograd.system.ValidationException;

/** Real training runs of {@code admm} on small real data, and its parameter and activation rules. */
class AdmmTest {

    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    private static final DatasetRegistry DATASETS = new DatasetRegistry(FASHION, Path.of("/nonexistent"));
    private static final JobSpecValidator VALIDATOR =
            new JobSpecValidator(SolverRegistry.builtIn(), DATASETS, 1, Runtime.getRuntime().maxMemory());

    private static JobSpec spec(String dataset, List<Integer> layers, String activation, String loss, int epochs,
                                int batch, Integer trainLimit, Map<String, Object> params) {
        return new JobSpec("admm test", "admm", dataset, null, layers, activation, null, loss, epochs, batch, trainLimit,
                1L, params, null);
    }

    private static List<EpochMetrics> train(JobSpec spec) {
        return TestData.train(VALIDATOR.validate(spec)).epochs();
    }

    private static boolean fashionInstalled() {
        return Files.isDirectory(FASHION);
    }

    @Test
    void reluNetworkLearnsFashionMnistAndItsConstraintsTighten() {
        assumeTrue(fashionInstalled(), "dataset-fashion-mnist is not installed");
        List<EpochMetrics> rows = train(spec("fashion-mnist", List.of(784, 300, 10), "relu", "cross-entropy", 3, 1000, 4000, Map.of()));
        EpochMetrics last = rows.get(rows.size() - 1);
        assertTrue(last.testAccuracy() >= 0.78, "test accuracy after 3 epochs on 4000 samples: " + last.testAccuracy());
        double[] firstResiduals = rows.get(0).diagnostics().get("admmResiduals");
        double[] lastResiduals = last.diagnostics().get("admmResiduals");
        assertEquals(2, lastResiduals.length);
        assertEquals(2, last.diagnostics().get("weightSpectralNorms").length);
        for (int l = 0; l < lastResiduals.length; l++) {
            assertTrue(lastResiduals[l] < firstResiduals[l], "residual of layer " + (l + 1) + " should shrink: "
                    + firstResiduals[l] + " -> " + lastResiduals[l]);
        }
        assertTrue(last.objective() < rows.get(0).objective(), "augmented Lagrangian should fall: "
                + rows.get(0).objective() + " -> " + last.objective());
    }

    @Test
    void dcutluNetworkWithTwoHiddenLayersLearnsFashionMnist() {
        assumeTrue(fashionInstalled(), "dataset-fashion-mnist is not installed");
        JobSpec base = spec("fashion-mnist", List.of(784, 200, 100, 10), "dcutlu", "cross-entropy", 3, 1000, 4000, Map.of());
        JobSpec cut = new JobSpec(base.name(), base.algorithm(), base.dataset(), base.task(), base.layers(), base.activation(),
                Map.of("lower", 0.0, "upper", 1.0), base.loss(), base.epochs(), base.batchSize(), base.trainLimit(),
                base.seed(), base.params(), base.init());
        EpochMetrics last = train(cut).get(2);
        assertTrue(last.testAccuracy() >= 0.75, "test accuracy after 3 epochs on 4000 samples: " + last.testAccuracy());
    }

    /** Table 2's loops split over the job's threads: the same bits on 1, 2 or 3, for ReLU and for DCutLU's two slacks. */
    @Test
    void anyThreadBudgetTrainsTheSameBits() {
        assumeTrue(fashionInstalled(), "dataset-fashion-mnist is not installed");
        TestData.assertSameOnAnyThreadCount(spec("fashion-mnist", List.of(784, 100, 50, 10), "relu", "cross-entropy", 1, 500, 2000, Map.of()));
        JobSpec base = spec("fashion-mnist", List.of(784, 100, 50, 10), "dcutlu", "cross-entropy", 1, 500, 2000, Map.of());
        TestData.assertSameOnAnyThreadCount(new JobSpec(base.name(), base.algorithm(), base.dataset(), base.task(), base.layers(),
                base.activation(), Map.of("lower", 0.0, "upper", 1.0), base.loss(), base.epochs(), base.batchSize(), base.trainLimit(),
                base.seed(), base.params(), base.init()));
    }

    @Test
    void mseOutputIsSolvedExactlyAndLearnsBlobs() {
        List<EpochMetrics> rows = train(spec("blobs", List.of(20, 32, 32, 4), "relu", "mse", 5, 500, null, Map.of()));
        double acc = rows.get(rows.size() - 1).testAccuracy();
        assertTrue(acc >= 0.9, "test accuracy on blobs after 5 epochs: " + acc);
    }

    @Test
    void refusesOtherActivationsNamingTheSupportedOnes() {
        ValidationException e = assertThrows(ValidationException.class, () ->
                VALIDATOR.validate(spec("blobs", List.of(20, 16, 4), "sigmoid", "mse", 1, 100, null, Map.of())));
        FieldError error = e.errors().get(0);
        assertEquals("activation", error.field());
        assertTrue(error.message().contains("relu") && error.message().contains("dcutlu"), error.message());
    }

    @Test
    void perLayerRatesFollowThePapersRuleOrAreGivenPerLayer() {
        AdmmParams paper = Params.defaults(AdmmParams.class).resolve(3, Loss.CROSS_ENTROPY);
        assertArrayEquals(new double[] {0, 0.2, 0.1, 0.05}, paper.rho(), 1e-12);
        assertArrayEquals(new double[] {0, 0.2, 0.1}, paper.beta(), 1e-12);
        assertArrayEquals(new double[] {0, 2, 1, 0.5}, Params.defaults(AdmmParams.class).resolve(3, Loss.MSE).rho(), 1e-12);
        AdmmParams equal = Params.validate(ParamSpec.of(AdmmParams.class), Map.of("rho", 0.3, "beta", 0.3, "layerFactor", 1)).as(AdmmParams.class).resolve(3, Loss.CROSS_ENTROPY);
        assertArrayEquals(new double[] {0, 0.3, 0.3, 0.3}, equal.rho(), 1e-12);
        AdmmParams listed = Params.validate(ParamSpec.of(AdmmParams.class), Map.of("rho", List.of(1, 2, 3), "beta", List.of(4, 5))).as(AdmmParams.class).resolve(3, Loss.MSE);
        assertArrayEquals(new double[] {0, 1, 2, 3}, listed.rho(), 1e-12);
        assertArrayEquals(new double[] {0, 4, 5}, listed.beta(), 1e-12);
        ValidationException e = assertThrows(ValidationException.class, () ->
                VALIDATOR.validate(spec("blobs", List.of(20, 16, 4), "relu", "mse", 1, 100, null, Map.of("rho", List.of(1, 2, 3)))));
        assertEquals("params.rho", e.errors().get(0).field());
    }
}
