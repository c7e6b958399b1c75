package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.nograd.TestData;
import io.nograd.nn.Network;

class TrainingTest {

    private static JobSpec spec(String algorithm, String dataset, List<Integer> layers, int epochs, Integer trainLimit, Map<String, Object> params) {
        return new JobSpec("t", algorithm, dataset, null, layers, "relu", null, null, epochs, 100, trainLimit, 7L, params, null);
    }

    private static List<EpochMetrics> run(JobSpec spec) {
        return TestData.train(spec).epochs();
    }

    private static List<Double> figures(List<EpochMetrics> ms) {
        List<Double> out = new ArrayList<>();
        for (EpochMetrics m : ms) {
            out.add(m.trainLoss());
            out.add(m.testLoss());
            out.add(m.testAccuracy());
        }
        return out;
    }

    @Test
    void theSameSpecAndSeedGiveIdenticalMetrics() {
        JobSpec s = spec("adam", "fashion-mnist", List.of(784, 64, 10), 2, 3000, Map.of());
        assertEquals(figures(run(s)), figures(run(s)));
    }

    @Test
    void adamAndSgdLearnFashionMnistFromASubset() {
        List<EpochMetrics> adam = run(spec("adam", "fashion-mnist", List.of(784, 128, 10), 3, 6000, Map.of()));
        List<EpochMetrics> sgd = run(spec("sgd", "fashion-mnist", List.of(784, 128, 10), 3, 6000, Map.of("lr", 0.1)));
        List<EpochMetrics> ams = run(spec("amsgrad", "fashion-mnist", List.of(784, 128, 10), 3, 6000, Map.of()));
        for (List<EpochMetrics> ms : List.of(adam, sgd, ams)) {
            assertEquals(List.of(1, 2, 3), ms.stream().map(EpochMetrics::epoch).toList());
            EpochMetrics last = ms.get(2);
            assertTrue(last.testAccuracy() > 0.78, "test accuracy " + last.testAccuracy());
            assertTrue(last.trainLoss() < ms.get(0).trainLoss(), "train loss falls");
        }
    }

    @Test
    void anAutoencoderReportsReconstructionLossAndNoAccuracy() {
        JobSpec s = new JobSpec("ae", "adam", "blobs", "autoencoder", List.of(20, 8, 20), "sigmoid", null, "mse", 3, 50, null, 1L, Map.of(), null);
        List<EpochMetrics> ms = run(s);
        assertEquals(null, ms.get(2).testAccuracy());
        assertTrue(ms.get(2).testLoss() < ms.get(0).testLoss(), "reconstruction improves");
    }

    @Test
    void divergenceIsReportedWithTheEpochAndTheParameterToChange() {
        JobSpec exploding = new JobSpec("t", "sgd", "blobs", null, List.of(20, 16, 4), "identity", null, "mse", 5, 100, null, 1L,
                Map.of("lr", 100), null);
        ValidatedSpec vs = TestData.validate(exploding);
        Training.DivergedException e = assertThrows(Training.DivergedException.class,
                () -> new Training(vs, TestData.DATASETS.get("blobs")).run(vs.newNetwork(), 1, () -> false, m -> { }));
        assertTrue(e.getMessage().contains("epoch " + e.epoch()) && e.getMessage().contains("params.lr"), e.getMessage());
    }

    @Test
    void cancelStopsWithinAnEpochAndKeepsTheEpochsDone() {
        ValidatedSpec vs = TestData.validate(spec("adam", "blobs", List.of(20, 16, 4), 50, null, Map.of()));
        AtomicInteger polls = new AtomicInteger();
        List<EpochMetrics> done = new ArrayList<>();
        Network net = vs.newNetwork();
        assertThrows(CancellationException.class, () -> new Training(vs, TestData.DATASETS.get("blobs"))
                .run(net, 1, () -> polls.incrementAndGet() > 75, done::add));
        assertEquals(2, done.size(), "30 batches an epoch: cancelled in the third");
    }
}
