package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * ReLU's masked step through φ′ equals the plain product delta·φ′(z), and its float64 φ′ from z's bits equals the
 * compare z &gt; 0: zeros, signed zeros, NaNs and extremes included.
 */
class ReluMaskTest {

    @Test
    void theIntegerMaskIsTheDerivativeProduct() {
        float[] z = {-3f, -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, 2.5f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, 0.5f, -0.5f};
        float[] delta = new float[z.length];
        for (int i = 0; i < z.length; i++) delta[i] = (i % 2 == 0 ? 1 : -1) * (0.25f + i);
        Activation relu = Activation.of("relu", Map.of());
        float[] expected = new float[z.length];
        for (int i = 0; i < z.length; i++) expected[i] = (float) relu.derivative(z[i]) * delta[i];
        float[] got = delta.clone();
        relu.multiplyByDerivative(z, got, new float[z.length], z.length);
        for (int i = 0; i < z.length; i++) assertEquals(expected[i] == 0 ? 0f : expected[i], got[i] == 0 ? 0f : got[i], "z = " + z[i]);
    }

    @Test
    void theFloat64DerivativeFromBitsIsTheCompare() {
        double[] z = {-3, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300, 2.5, Double.MAX_VALUE,
                -Double.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN,
                Double.longBitsToDouble(0xFFF8000000000001L), Double.longBitsToDouble(0x7FF0000000000001L), 0.5, -0.5};
        Activation relu = Activation.of("relu", Map.of());
        double[] got = new double[z.length];
        relu.derivative(z, got, z.length);
        for (int i = 0; i < z.length; i++) {
            assertEquals(Double.doubleToRawLongBits(z[i] > 0 ? 1.0 : 0.0), Double.doubleToRawLongBits(got[i]), "z = " + z[i]);
            assertEquals(relu.derivative(z[i]), got[i], 0, "z = " + z[i]);
        }
    }
}
