package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** ReLU's masked step through φ′ equals the plain product delta·φ′(z), zeros, signed zeros and extremes included. */
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
}
