package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ojalgo.matrix.store.R064Store;

/**
 * Back-propagation against central finite differences, every activation × both losses, in double precision;
 * and the float32 path against the float64 one.
 */
class BackpropTest {

    private static final int[] SIZES = {6, 5, 4, 3};

    /** A small network with the activation on every layer, a random batch of 7 and one-hot targets. */
    private static final class Problem {
        final int m = 7;
        final Network net;
        final R064Store x = Ops.make(SIZES[0], m);
        final R064Store y = Ops.make(SIZES[SIZES.length - 1], m);

        Problem(String activationName, Loss loss) {
            Activation phi = Activation.of(activationName, Map.of("alpha", 0.1, "lower", -0.5, "upper", 0.8));
            // MSE through φ on the output as LPOM uses it; cross-entropy on linear logits
            Activation out = loss == Loss.MSE ? phi : Activation.IDENTITY;
            net = Network.create(SIZES, phi, out, new Init("gaussian", 0.6, 0.05), 3);
            SplittableRandom rng = new SplittableRandom(5);
            for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextDouble() * 2 - 1;
            int classes = SIZES[SIZES.length - 1];
            for (int j = 0; j < m; j++) y.data[j * classes + rng.nextInt(classes)] = 1;
        }
    }

    static Stream<Arguments> cases() {
        return Activation.NAMES.stream().flatMap(a -> Stream.of(Arguments.of(a, Loss.MSE), Arguments.of(a, Loss.CROSS_ENTROPY)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(String activationName, Loss loss) {
        Problem pb = new Problem(activationName, loss);
        Network net = pb.net;
        R064Store x = pb.x;
        R064Store y = pb.y;
        int m = pb.m;
        Backprop bp = new Backprop(SIZES, m);
        bp.run(net, loss, x, y);
        ForwardPass fp = new ForwardPass(SIZES, m);
        double h = 1e-6;
        double num = 0;
        double den = 0;
        for (int l = 0; l < net.depth(); l++) {
            for (R064Store[] pair : new R064Store[][] {{net.weight(l), bp.gradW(l)}, {net.bias(l), bp.gradB(l)}}) {
                double[] p = pair[0].data;
                double[] g = pair[1].data;
                for (int i = 0; i < p.length; i++) {
                    double keep = p[i];
                    p[i] = keep + h;
                    double plus = loss.value(fp.run(net, x), y) / m;
                    p[i] = keep - h;
                    double minus = loss.value(fp.run(net, x), y) / m;
                    p[i] = keep;
                    double fd = (plus - minus) / (2 * h);
                    num += (fd - g[i]) * (fd - g[i]);
                    den += g[i] * g[i];
                }
            }
        }
        double rel = Math.sqrt(num / den);
        assertTrue(den > 0, "gradient is not identically zero");
        assertTrue(rel < 1e-6, activationName + "/" + loss + ": relative error " + rel);
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void float32GradientMatchesFloat64(String activationName, Loss loss) {
        Problem pb = new Problem(activationName, loss);
        Backprop reference = new Backprop(SIZES, pb.m);
        double value64 = reference.run(pb.net, loss, pb.x, pb.y);
        Float32Backprop single = new Float32Backprop(SIZES, pb.m);
        double value32 = single.run(pb.net, loss, pb.x, pb.y);
        double num = 0;
        double den = 0;
        for (int l = 0; l < pb.net.depth(); l++) {
            for (R064Store[] pair : new R064Store[][] {{reference.gradW(l), single.gradW(l)}, {reference.gradB(l), single.gradB(l)}}) {
                for (int i = 0; i < pair[0].data.length; i++) {
                    double d = pair[0].data[i] - pair[1].data[i];
                    num += d * d;
                    den += pair[0].data[i] * pair[0].data[i];
                }
            }
        }
        double rel = Math.sqrt(num / den);
        assertTrue(den > 0, "gradient is not identically zero");
        assertTrue(rel > 0 && rel < 1e-5, activationName + "/" + loss + ": float32 against float64 relative error " + rel);
        assertTrue(Math.abs(value32 - value64) < 1e-5 * Math.abs(value64), "loss " + value32 + " against " + value64);
    }
}
