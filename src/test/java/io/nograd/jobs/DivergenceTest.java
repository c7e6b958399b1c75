package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.nograd.TestData;
import io.nograd.nn.Network;

/**
 * A NaN that reaches a lifted solver's Cholesky factorisation (the matrix is then "not positive definite")
 * ends the run as diverged, with the epoch and the solver's advice, not as an internal error.
 */
class DivergenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"lpom", "admm"})
    void aNanReachingCholeskyIsDivergence(String algorithm) {
        ValidatedSpec vs = TestData.validate(new JobSpec(algorithm, algorithm, "spirals", null, List.of(2, 16, 2), "relu", null, null, 1, 100,
                null, 1L, null, null));
        Network net = vs.newNetwork();
        Arrays.fill(net.weight(0).data, Double.NaN);
        Training.DivergedException e = assertThrows(Training.DivergedException.class,
                () -> new Training(vs, TestData.DATASETS.get("spirals")).run(net, 1, () -> false, m -> { }));
        assertTrue(e.getMessage().contains("epoch 1") && e.getMessage().contains(vs.factory().divergenceAdvice()), e.getMessage());
    }
}
