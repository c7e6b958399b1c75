package io.nograd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.nograd.nn.Task;

class BatchesTest {

    private final Dataset blobs = Synthetic.blobs(5, 3, 103, 10, 0.1, 4);

    private static List<Integer> order(Batches b, int epoch) {
        List<Integer> out = new ArrayList<>();
        for (Batch batch : b.epoch(epoch, 3)) for (int j = 0; j < batch.size(); j++) out.add(batch.samples()[j]);
        return out;
    }

    @Test
    void seededShuffleIsReproducibleAndChangesPerEpoch() {
        Batches a = new Batches(blobs, Task.CLASSIFICATION, 10, null, 42, true);
        Batches b = new Batches(blobs, Task.CLASSIFICATION, 10, null, 42, true);
        assertEquals(order(a, 1), order(b, 1));
        assertFalse(order(a, 1).equals(order(a, 2)), "each epoch has its own order");
        assertEquals(new HashSet<>(order(a, 1)), new HashSet<>(order(a, 2)), "every sample once per epoch");
        assertEquals(103, order(a, 2).size());
    }

    @Test
    void lastBatchIsSmallerAndTrainLimitTakesTheFirstSamples() {
        Batches b = new Batches(blobs, Task.CLASSIFICATION, 10, 25, 1, true);
        List<Integer> sizes = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Batch batch : b.epoch(1, 1)) {
            sizes.add(batch.size());
            for (int j = 0; j < batch.size(); j++) seen.add(batch.samples()[j]);
        }
        assertEquals(List.of(10, 10, 5), sizes);
        assertTrue(seen.stream().allMatch(s -> s < 25));
        assertEquals(3, b.batchCount());
    }

    @Test
    void targetsAreOneHotAndInputsMatchTheDataset() {
        Batches b = new Batches(blobs, Task.CLASSIFICATION, 8, null, 3, true);
        Batch batch = b.epoch(1, 1).iterator().next();
        for (int j = 0; j < batch.size(); j++) {
            int s = batch.samples()[j];
            for (int c = 0; c < 3; c++) assertEquals(c == blobs.trainY()[s] ? 1.0 : 0.0, batch.y().get(c, j));
            for (int f = 0; f < 5; f++) assertEquals(blobs.trainX()[s * 5 + f], batch.x().get(f, j), 0);
        }
    }

    @Test
    void aFixedPartitionKeepsTheSameBatches() {
        Batches b = new Batches(blobs, Task.AUTOENCODER, 10, null, 3, false);
        assertEquals(order(b, 1), order(b, 2));
        Batch first = b.epoch(1, 1).iterator().next();
        assertArrayEquals(first.x().data, first.y().data, "an autoencoder's target is its input");
    }
}
