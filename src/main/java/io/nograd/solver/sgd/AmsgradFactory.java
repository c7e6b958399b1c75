package io.nograd.solver.sgd;

/** {@code amsgrad}: Adam with the maximum of the second moments (Reddi et al.). */
public final class AmsgradFactory extends AdamFactory {

    public AmsgradFactory() {
        super(true);
    }
}
