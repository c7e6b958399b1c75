package io.nograd.solver.sgd;

import io.nograd.solver.Params;
import io.nograd.solver.Solver;
import io.nograd.solver.TrainingShape;

/** {@code adam}; {@link AmsgradFactory} is the same update rule with one flag set. */
public class AdamFactory extends GradientFactory {

    private final boolean amsgrad;

    public AdamFactory() {
        this(false);
    }

    AdamFactory(boolean amsgrad) {
        this.amsgrad = amsgrad;
    }

    @Override public String name() { return amsgrad ? "amsgrad" : "adam"; }

    @Override public String title() { return amsgrad ? "AMSGrad (back-propagation baseline)" : "Adam (back-propagation baseline)"; }

    @Override
    public String paper() {
        return amsgrad ? "Reddi, Kale & Kumar, On the Convergence of Adam and Beyond (ICLR 2018)"
                : "Kingma & Ba, Adam: A Method for Stochastic Optimization (ICLR 2015)";
    }

    @Override public Class<AdamParams> paramsType() { return AdamParams.class; }

    @Override
    public Solver create(TrainingShape shape, Params params) {
        return new Adam(shape.loss(), params.as(AdamParams.class), amsgrad, shape.layers());
    }
}
