package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ojalgo.matrix.store.R064Store;

/** Back-propagation against central finite differences, every activation × both losses, in double precision. */
class BackpropTest {

    static Stream<Arguments> cases() {
        return Activation.NAMES.stream().flatMap(a -> Stream.of(Arguments.of(a, Loss.MSE), Arguments.of(a, Loss.CROSS_ENTROPY)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(String activationName, Loss loss) {
        Activation phi = Activation.of(activationName, Map.of("alpha", 0.1, "lower", -0.5, "upper", 0.8));
        // MSE through φ on the output as LPOM uses it; cross-entropy on linear logits
        Activation out = loss == Loss.MSE ? phi : Activation.IDENTITY;
        int[] sizes = {6, 5, 4, 3};
        Network net = Network.create(sizes, phi, out, new Init("gaussian", 0.6, 0.05), 3);
        int m = 7;
        SplittableRandom rng = new SplittableRandom(5);
        R064Store x = Ops.make(6, m);
        for (int i = 0; i < x.data.length; i++) x.data[i] = rng.nextDouble() * 2 - 1;
        R064Store y = Ops.make(3, m);
        for (int j = 0; j < m; j++) y.data[j * 3 + rng.nextInt(3)] = 1;

        Backprop bp = new Backprop(sizes, m);
        bp.run(net, loss, x, y);
        ForwardPass fp = new ForwardPass(sizes, m);
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
}
