package io.nograd.solver.sgd;

import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.TrainingShape;

/** {@code sgd}: the plain back-propagation baseline. */
public final class SgdFactory extends GradientFactory {

    @Override public String name() { return "sgd"; }

    @Override public String title() { return "SGD (back-propagation baseline)"; }

    @Override public String paper() { return "Robbins & Monro, A Stochastic Approximation Method (1951); momentum as in PyTorch's torch.optim.SGD"; }

    @Override public Class<SgdParams> paramsType() { return SgdParams.class; }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Sgd(shape.loss(), params.as(SgdParams.class), shape.layers());
    }
}
