package io.nograd.solver.lpom;

import java.util.List;

import io.nograd.nn.Activation;
import io.nograd.nn.Loss;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.TrainingShape;

/** {@code lpom}: serial LPOM (Algorithm 1), or synchronous-parallel LPOM (Algorithm 3) with {@code parallel = true}. */
public final class LpomFactory implements SolverFactory {

    @Override public String name() { return "lpom"; }

    @Override public String title() { return "LPOM: Lifted Proximal Operator Machine (serial and synchronous-parallel)"; }

    @Override
    public String paper() {
        return "Li, Xiao, Fang, Dai, Xu & Lin, Training Neural Networks by Lifted Proximal Operator Machines, "
                + "IEEE TPAMI 44(6), 2022 (doi:10.1109/TPAMI.2020.3048430)";
    }

    @Override public List<String> activations() { return List.of("relu", "leaky-relu", "sigmoid", "tanh", "elu", "softplus"); }

    @Override public List<String> losses() { return List.of("mse", "cross-entropy"); }

    @Override public int defaultBatchSize() { return 100; }

    @Override public List<ParamSpec> params() { return LpomParams.SPEC; }

    @Override public String divergenceAdvice() { return "raise params.lambda (e.g. to 10) or params.mu, or lower params.nu"; }

    /** φ on the output too with MSE (eq. (19) lifts every layer); the logits stay linear under softmax cross-entropy. */
    @Override
    public Activation outputActivation(Activation hidden, Loss loss, Params params) {
        return loss == Loss.MSE ? hidden : Activation.IDENTITY;
    }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        LpomParams p = LpomParams.from(params);
        if (p.parallel()) return new SyncLpom(shape.layers(), shape.loss(), p, Math.max(1, Math.min(shape.threads(), shape.depth())));
        return new Lpom(shape.layers(), shape.loss(), p);
    }
}
