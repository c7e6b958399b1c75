package io.nograd.nn;

/**
 * The target column of a class label: {@code on} in the label's row, {@code off} in the others; the one-hot 1 and 0
 * unless the loss is MSE on an output φ whose range is bounded at both ends, where they are that range's ends (tanh:
 * 1 and −1). The paper's MSE leaves the labels' encoding open. With 0 off its class a tanh output would have to sit on
 * φ's steepest point for nine samples in ten, a linear fit with no margin, which a deep tanh net trained by LPOM never
 * got past (bench/results/lpom.md, session 21); sigmoid's 0 and 1 are its range's ends already.
 */
public record ClassTargets(double off, double on) {

    public static final ClassTargets ONE_HOT = new ClassTargets(0, 1);

    /** The targets a network with this loss and output activation trains towards (and is evaluated against). */
    public static ClassTargets of(Loss loss, Activation output) {
        if (loss != Loss.MSE || !output.bounded()) return ONE_HOT;
        return new ClassTargets(output.lower(), output.upper());
    }

    /** Writes the target of {@code label} into y[from .. from + rows). */
    public void fill(double[] y, int from, int rows, int label) {
        java.util.Arrays.fill(y, from, from + rows, off);
        y[from + label] = on;
    }
}
