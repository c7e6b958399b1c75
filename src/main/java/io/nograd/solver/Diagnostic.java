package io.nograd.solver;

import java.util.List;

/**
 * One figure a solver reports per epoch (its {@code objective}, or an entry of its {@code diagnostics}),
 * typed: a name that means one thing across every solver, the definition that pins it down, and its unit.
 * {@code GET /algorithms} serves them, and the dashboard titles each panel by them, so two quantities
 * that differ never share a name or a chart.
 *
 * @param name       the key in {@code diagnostics} (for the objective: what this solver's objective is)
 * @param title      a short human title for a chart
 * @param definition the formula or procedure, in the paper's notation
 * @param unit       the unit, {@code 1} for a pure number
 * @param components labels of the array's entries, or null when entry i belongs to weight layer i + 1 (input side
 *                   first; figures of hidden layers only have one entry fewer)
 */
public record Diagnostic(String name, String title, String definition, String unit, List<String> components) {

    /** A figure with one value per weight layer (layer 1 nearest the input). */
    public static Diagnostic perLayer(String name, String title, String definition, String unit) {
        return new Diagnostic(name, title, definition, unit, null);
    }

    /** A figure whose entries are the named {@code components}. */
    public static Diagnostic of(String name, String title, String definition, String unit, String... components) {
        return new Diagnostic(name, title, definition, unit, List.of(components));
    }

    /** The ‖W_l‖₂ every lifted solver with a spectral bound reports, defined once. */
    public static final Diagnostic WEIGHT_SPECTRAL_NORMS = perLayer("weightSpectralNorms", "Weight spectral norms",
            "‖W_l‖₂, the largest singular value of layer l's weight matrix (30 power iterations), at the end of the epoch", "1");

    /** The linear-constraint residual of the splitting methods (DLAM, iPDLAM), defined once. */
    public static final Diagnostic CONSTRAINT_RESIDUALS = Diagnostic.perLayer("constraintResiduals", "Constraint residuals (RMS)",
            "√(Σ_samples ‖W_l a_{l−1} + b_l − z_l‖² / N): root mean square per sample of layer l's linear constraint, with the stored z, a and the weights after the updates of the batch each sample belongs to", "1");

    /** ‖W_l‖_F, defined once. */
    public static final Diagnostic WEIGHT_FROBENIUS_NORMS = perLayer("weightFrobeniusNorms", "Weight Frobenius norms",
            "‖W_l‖_F, the Frobenius norm of layer l's weight matrix, at the end of the epoch", "1");
}
