package io.nograd.jobs;

import java.util.Map;

/**
 * One finished epoch: the metrics row stored in H2, the WebSocket/SSE {@code epoch} event and a row of
 * {@code GET /jobs/{id}/metrics} alike. Accuracies are null for autoencoders.
 */
public record EpochMetrics(int epoch, int epochs, double trainLoss, Double trainAccuracy, double testLoss,
                           Double testAccuracy, double seconds, Double objective, Map<String, double[]> diagnostics) {
}
