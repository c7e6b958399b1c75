package io.nograd.weights;

import java.util.ArrayList;
import java.util.List;

import io.nograd.nn.Network;

/**
 * A network's parameters as named row-major tensors, in the layout of PyTorch's {@code nn.Sequential} of
 * {@code nn.Linear} modules with the activations between them: layer l is module {@code 2l} (activations
 * sit at the odd indices and hold no parameters), so {@code layers.{2l}.weight} is W_l (out × in) and
 * {@code layers.{2l}.bias} is b_l. A model {@code m} with {@code m.layers = nn.Sequential(nn.Linear(784,
 * 500), nn.ReLU(), nn.Linear(500, 10))} loads the file with {@code load_state_dict} as it is.
 */
final class Tensors {

    /** One tensor: its name, shape and row-major values. */
    record Tensor(String name, int[] shape, double[] values) {
        long count() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    private Tensors() {
    }

    static String weightName(int layer) {
        return "layers." + (2 * layer) + ".weight";
    }

    static String biasName(int layer) {
        return "layers." + (2 * layer) + ".bias";
    }

    /** W_l transposed from ojalgo's column-major store to row-major (out × in), then b_l, for every layer. */
    static List<Tensor> of(Network net) {
        List<Tensor> out = new ArrayList<>();
        for (int l = 0; l < net.depth(); l++) {
            int rows = net.size(l + 1);
            int cols = net.size(l);
            double[] w = net.weight(l).data;
            double[] rowMajor = new double[rows * cols];
            for (int c = 0; c < cols; c++) {
                for (int r = 0; r < rows; r++) rowMajor[r * cols + c] = w[c * rows + r];
            }
            out.add(new Tensor(weightName(l), new int[] {rows, cols}, rowMajor));
            out.add(new Tensor(biasName(l), new int[] {rows}, net.bias(l).data.clone()));
        }
        return out;
    }

    /** Copies row-major W_l (out × in) into the network's column-major store. */
    static void setWeight(Network net, int l, double[] rowMajor) {
        int rows = net.size(l + 1);
        int cols = net.size(l);
        double[] w = net.weight(l).data;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) w[c * rows + r] = rowMajor[r * cols + c];
        }
    }
}
