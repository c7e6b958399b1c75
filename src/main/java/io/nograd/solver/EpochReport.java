package io.nograd.solver;

import java.util.Map;

/**
 * What a solver reports about one epoch beyond loss and accuracy.
 *
 * @param objective   the solver's own objective (LPOM's F(W, X), ADMM's augmented Lagrangian, …), or null
 * @param diagnostics named per-layer series, e.g. {@code residuals} and {@code weightNorms}; may be empty
 */
public record EpochReport(Double objective, Map<String, double[]> diagnostics) {

    public static final EpochReport NONE = new EpochReport(null, Map.of());
}
