package io.nograd.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.nograd.jobs.EpochMetrics;

/** The two rules on hand-made epoch rows, thresholds checked by hand. */
class PrunerTest {

    static final SweepRequest.Prune MEDIAN = new SweepRequest.Prune("median", "testAccuracy", 2, 3, null, null);
    static final SweepRequest.Prune ASHA = new SweepRequest.Prune("asha", "testLoss", null, null, 3, 1);

    /** Rows whose test accuracy and loss per epoch are the given values. */
    static List<EpochMetrics> rows(double... values) {
        List<EpochMetrics> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new EpochMetrics(i + 1, 9, 1, null, values[i], values[i], 0.1, null, Map.of()));
        }
        return out;
    }

    @Test
    void theMedianRuleComparesTheBestSoFarWithThePeersMedianAfterTheWarmup() {
        List<List<EpochMetrics>> peers = List.of(rows(0.5, 0.6, 0.7), rows(0.5, 0.8, 0.6), rows(0.4, 0.5, 0.65), rows(0.1));
        // Epoch 2 is the warmup: never pruned, however bad.
        assertTrue(Pruner.decide(MEDIAN, Metric.TEST_ACCURACY, 2, 9, rows(0.1, 0.1), peers).isEmpty());
        // Epoch 3: peers' best so far are 0.7, 0.8, 0.65 (the fourth has not reached epoch 3): median 0.7.
        Optional<Pruner.Decision> d = Pruner.decide(MEDIAN, Metric.TEST_ACCURACY, 3, 9, rows(0.69, 0.3, 0.2), peers);
        assertTrue(d.isPresent());
        assertEquals(0.7, d.get().threshold(), 1e-15);
        assertEquals(0.69, d.get().value(), 1e-15, "the cell's best so far, not its last value");
        assertEquals("median rule: at epoch 3, testAccuracy 0.690000 (best so far) is below the median 0.700000 of the 3 other cells at epoch 3",
                d.get().reason());
        assertTrue(Pruner.decide(MEDIAN, Metric.TEST_ACCURACY, 3, 9, rows(0.7, 0.3, 0.2), peers).isEmpty(), "equal to the median goes on");
        // Fewer than minPeers cells at the epoch: no decision.
        assertTrue(Pruner.decide(MEDIAN, Metric.TEST_ACCURACY, 3, 9, rows(0.1, 0.1, 0.1), peers.subList(0, 2)).isEmpty());
        // The last epoch is never pruned: the run is over anyway.
        assertTrue(Pruner.decide(MEDIAN, Metric.TEST_ACCURACY, 9, 9, rows(0, 0, 0, 0, 0, 0, 0, 0, 0), peers).isEmpty());
    }

    @Test
    void ashaKeepsTheTopThirdAtEachRungAndTheFirstCellAlone() {
        assertEquals(0, Pruner.rung(ASHA, 1));
        assertEquals(1, Pruner.rung(ASHA, 3));
        assertEquals(2, Pruner.rung(ASHA, 9));
        assertEquals(-1, Pruner.rung(ASHA, 2));
        // Alone at a rung: it is the top one.
        assertTrue(Pruner.decide(ASHA, Metric.TEST_LOSS, 1, 9, rows(5.0), List.of()).isEmpty());
        // Loss: lower is better. At rung 0 the losses are 1, 2, 3, 4, 5 and its own 2.5: keep ⌊6/3⌋ = 2, threshold 2.
        List<List<EpochMetrics>> peers = List.of(rows(1), rows(2), rows(3), rows(4), rows(5));
        Optional<Pruner.Decision> d = Pruner.decide(ASHA, Metric.TEST_LOSS, 1, 9, rows(2.5), peers);
        assertTrue(d.isPresent());
        assertEquals(2.0, d.get().threshold());
        assertTrue(d.get().reason().startsWith("asha: at rung 0 (epoch 1), testLoss 2.50000 is not in the top 2 of the 6 cells"), d.get().reason());
        assertTrue(Pruner.decide(ASHA, Metric.TEST_LOSS, 1, 9, rows(1.5), peers).isEmpty());
        // Not a rung: no decision.
        assertTrue(Pruner.decide(ASHA, Metric.TEST_LOSS, 2, 9, rows(9, 9), peers).isEmpty());
    }
}
