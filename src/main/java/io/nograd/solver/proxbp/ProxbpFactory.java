package io.nograd.solver.proxbp;

import java.util.List;
import java.util.OptionalLong;

import io.nograd.nn.Activation;
import io.nograd.nn.Float32Gemm;
import io.nograd.nn.Init;
import io.nograd.solver.Diagnostic;
import io.nograd.solver.Params;
import io.nograd.solver.Precision;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code proxbp}: proximal back-propagation (ProxProp). */
public final class ProxbpFactory implements SolverFactory {

    /** N(0, 0.05²) weights and zero biases: the SIBP paper gives ProxBP the same initialisation as SIBP. */
    static final Init INIT = new Init("gaussian", 0.05, 0);

    @Override public String name() { return "proxbp"; }

    @Override public String title() { return "ProxBP: proximal back-propagation (ProxProp)"; }

    @Override
    public String paper() {
        return "Frerix, Möllenhoff, Moeller & Cremers, Proximal Backpropagation, ICLR 2018 (arXiv:1706.04638)";
    }

    /** Back-propagation of the error needs σ′ almost everywhere, as BackProp does. */
    @Override public List<String> activations() { return Activation.NAMES; }

    @Override public List<String> losses() { return List.of("cross-entropy", "mse"); }

    @Override public int defaultBatchSize() { return 100; }

    @Override public Class<ProxbpParams> paramsType() { return ProxbpParams.class; }

    @Override public Init defaultInit() { return INIT; }

    @Override
    public String divergenceAdvice() {
        return "lower params.tau (the explicit step) or params.tauTheta (the proximal step), or set params.momentum to 0";
    }

    /**
     * Per batch size m: the back-propagation buffers (z, a, δ, σ′: 4 × units × m, and one gradient of every
     * weight), and per proximal layer the m × m matrix M and the CG vectors of {@link ProximalStep}; once, the
     * update ΔW, Δb and with momentum the velocity (one weight-sized copy each).
     */
    @Override
    public OptionalLong estimateBytes(TrainingShape shape, Params params) {
        ProxbpParams p = params.as(ProxbpParams.class);
        int[] layers = shape.layers();
        int depth = shape.depth();
        long weights = 0;
        for (int l = 1; l < layers.length; l++) weights += (long) layers[l] * (layers[l - 1] + 1);
        long units = shape.liftedUnits();
        boolean exact = p.solve() == ProxbpParams.Solve.EXACT;
        long fixed = shape.weightBytes() + 8 * weights * (p.momentum() > 0 ? 2 : 1);
        final long w = weights;
        boolean float32 = p.precision() == Precision.FLOAT32;
        return OptionalLong.of(Float32Gemm.withBuffers(fixed, float32) + shape.perBatchSize(m -> {
            long bytes = 8 * (4 * units * m + w);
            for (int l = 0; l < depth; l++) {
                if (Proxbp.proximal(l, depth, p)) bytes += ProximalStep.bytes(layers[l + 1], m, exact);
            }
            // float32 products: the buffers, and the float32 copy of the batch's inputs
            return Float32Gemm.withBuffers(bytes, float32) + (float32 ? 4L * layers[0] * m : 0);
        }));
    }

    @Override
    public Diagnostic objective() {
        return Diagnostic.perLayer("batchLoss", "Training loss before each step",
                "L(θ^k) of each batch at the weights its step starts from (the forward pass of Algorithm 1), summed over the "
                        + "epoch's batches and divided by the samples", "per sample");
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return List.of(
                Diagnostic.perLayer("proxResidualRatios", "Proximal-step residual ratio",
                        "‖R_after‖_F / ‖R_before‖_F, R the residual of the normal equations θ(ããᵀ + I/τ_θ) = z^{k+½}ãᵀ + θ^k/τ_θ of layer "
                                + "l's proximal step, after and before its solve, averaged over the epoch's batches (0 for a layer "
                                + "updated by a gradient step)", "1"),
                Diagnostic.WEIGHT_FROBENIUS_NORMS,
                Diagnostic.perLayer("parameterStepNorms", "Parameter step norms",
                        "‖θ_l^{k+1} − θ_l^k‖_F of layer l's step before momentum ([W b] together), averaged over the epoch's batches", "1"));
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Proxbp(shape.layers(), shape.loss(), params.as(ProxbpParams.class), shape.threads());
    }
}
