package io.nograd.jobs;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One finished epoch: the metrics row stored in H2, the WebSocket/SSE {@code epoch} event and a row of
 * {@code GET /jobs/{id}/metrics} alike, all written by Jackson from this record, so a new field reaches every one
 * of them. Accuracies are null for autoencoders; {@code diagnostics} (typed by the solver's entry in
 * {@code GET /algorithms}) is left out when the solver reports none.
 */
public record EpochMetrics(int epoch, int epochs, double trainLoss, Double trainAccuracy, double testLoss,
                           Double testAccuracy, double seconds, Double objective,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, double[]> diagnostics) {
}
