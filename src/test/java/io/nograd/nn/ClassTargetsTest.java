package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassTargetsTest {

    /** The ends of φ's range under MSE where it is bounded at both ends; the one-hot 0 and 1 everywhere else. */
    @Test
    void mseTargetsLieAtTheEndsOfABoundedOutputRange() {
        assertEquals(new ClassTargets(-1, 1), ClassTargets.of(Loss.MSE, Activation.of("tanh", null)));
        assertEquals(ClassTargets.ONE_HOT, ClassTargets.of(Loss.MSE, Activation.of("sigmoid", null)));
        assertEquals(new ClassTargets(-0.5, 2), ClassTargets.of(Loss.MSE, Activation.of("dcutlu", java.util.Map.of("lower", -0.5, "upper", 2.0))));
        for (String unbounded : new String[] {"relu", "leaky-relu", "elu", "softplus", "identity"}) {
            assertEquals(ClassTargets.ONE_HOT, ClassTargets.of(Loss.MSE, Activation.of(unbounded, null)), unbounded);
        }
        assertEquals(ClassTargets.ONE_HOT, ClassTargets.of(Loss.CROSS_ENTROPY, Activation.of("tanh", null)));
        double[] column = {7, 7, 7, 7};
        new ClassTargets(-1, 1).fill(column, 0, 4, 2);
        assertArrayEquals(new double[] {-1, -1, 1, -1}, column);
    }
}
