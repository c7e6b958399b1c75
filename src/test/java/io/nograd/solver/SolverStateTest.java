package io.nograd.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The stored form of a solver's state: arrays longer than the copy buffer, both widths, and damaged files. */
class SolverStateTest {

    @Test
    void arraysAcrossSeveralBufferLengthsComeBackBitForBit() throws IOException {
        Random random = new Random(7);
        double[] d = random.doubles(300_001).map(x -> x * 1e300).toArray();
        d[5] = Double.NaN;
        d[6] = -0.0;
        float[] f = new float[600_003];
        for (int i = 0; i < f.length; i++) f[i] = (float) random.nextGaussian();
        SolverState state = new SolverState();
        state.put("d", d);
        state.put("f", f);
        state.put("t", 42);
        state.put("empty", new float[0]);
        SolverState back = SolverState.readFrom(new ByteArrayInputStream(bytes(state)));
        assertEquals(List.of("d", "f", "t", "empty"), List.copyOf(back.names()));
        assertEquals(Arrays.toString(Arrays.stream(d).mapToLong(Double::doubleToRawLongBits).toArray()),
                Arrays.toString(Arrays.stream(back.doubles("d", d.length)).mapToLong(Double::doubleToRawLongBits).toArray()));
        assertArrayEquals(f, back.floats("f", f.length));
        assertEquals(42, back.scalar("t"));
        assertEquals(0, back.floats("empty", 0).length);
        assertEquals(List.of(), List.copyOf(back.untaken()), "every array was taken");
    }

    @Test
    void aDamagedFileIsRefused() throws IOException {
        SolverState state = new SolverState();
        state.put("v", new double[1000]);
        byte[] whole = bytes(state);
        assertThrows(IOException.class, () -> SolverState.readFrom(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1))));
        assertThrows(IOException.class, () -> SolverState.readFrom(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length + 1))));
        byte[] foreign = whole.clone();
        foreign[0] ^= 1;
        assertThrows(IOException.class, () -> SolverState.readFrom(new ByteArrayInputStream(foreign)));
    }

    @Test
    void aWrongLengthOrWidthIsAMismatch() {
        SolverState state = new SolverState();
        state.put("v", new double[3]);
        assertThrows(SolverState.Mismatch.class, () -> state.doubles("v", 4));
        assertThrows(SolverState.Mismatch.class, () -> state.floats("v", 3));
        assertThrows(SolverState.Mismatch.class, () -> state.doubles("w", 3));
        assertEquals(List.of("v"), List.copyOf(state.untaken()));
    }

    private static byte[] bytes(SolverState state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        state.writeTo(out);
        return out.toByteArray();
    }
}
