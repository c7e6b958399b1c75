package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class PassesTest {

    private static final int G = Passes.GRAIN;
    private static final int[] LENGTHS = {0, 1, G - 1, G, G + 1, 3 * G, 10 * G + 5};

    @Test
    void everyElementAndEveryColumnIsVisitedOnceForAnyThreadCount() {
        for (int threads = 1; threads <= 3; threads++) {
            Passes passes = Passes.of(threads);
            for (int n : LENGTHS) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                passes.run(n, (from, to) -> {
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "element " + i + " of " + n + ", " + threads + " threads");
            }
            for (int rows : new int[] {1, 10, 500, 3 * G}) {
                int cols = 37;
                AtomicIntegerArray seen = new AtomicIntegerArray(cols);
                int budget = threads;
                passes.runColumns(cols, rows, (from, to) -> {
                    // in parallel: whole columns, at most GRAIN elements unless one column is larger; serial: one call
                    assertTrue(budget == 1 ? to - from == cols : to - from == 1 || (to - from) * rows <= G,
                            "a chunk of " + (to - from) + " columns of " + rows);
                    for (int j = from; j < to; j++) seen.incrementAndGet(j);
                });
                for (int j = 0; j < cols; j++) assertEquals(1, seen.get(j), "column " + j + ", " + rows + " rows, " + threads + " threads");
            }
        }
    }

    @Test
    void sumsAreTheSameBitsForOneTwoAndThreeThreadsAndFollowTheChunkOrder() {
        Random random = new Random(7);
        for (int n : LENGTHS) {
            double[] x = new double[n];
            // a wide dynamic range, so that a different order of the additions would show in the last bits
            for (int i = 0; i < n; i++) x[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
            // the reference: chunks of GRAIN summed in index order, their sums added in chunk order
            double expected = 0;
            double[] expectedK = new double[3];
            for (int from = 0; from < n; from += G) {
                double s = 0;
                double a = 0;
                double b = 0;
                for (int i = from; i < Math.min(n, from + G); i++) {
                    s += x[i];
                    a += x[i] * x[i];
                    b += Math.abs(x[i]);
                }
                expected += s;
                expectedK[0] += s;
                expectedK[1] += a;
                expectedK[2] += b;
            }
            for (int threads = 1; threads <= 3; threads++) {
                Passes passes = Passes.of(threads);
                for (int repeat = 0; repeat < 20; repeat++) {
                    double got = passes.sum(n, (from, to) -> {
                        double s = 0;
                        for (int i = from; i < to; i++) s += x[i];
                        return s;
                    });
                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got), n + " elements, " + threads + " threads");
                    double[] totals = {Double.NaN, Double.NaN, Double.NaN};
                    passes.sums(n, 3, (from, to, out, at) -> {
                        double s = 0;
                        double a = 0;
                        double b = 0;
                        for (int i = from; i < to; i++) {
                            s += x[i];
                            a += x[i] * x[i];
                            b += Math.abs(x[i]);
                        }
                        out[at] = s;
                        out[at + 1] = a;
                        out[at + 2] = b;
                    }, totals);
                    assertArrayEquals(expectedK, totals, 0, n + " elements, " + threads + " threads");
                }
            }
        }
    }

    @Test
    void withinOneChunkASumIsThePlainSerialLoop() {
        Random random = new Random(3);
        double[] x = new double[G];
        for (int i = 0; i < G; i++) x[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
        double serial = 0;
        for (double v : x) serial += v;
        double got = Passes.of(2).sum(G, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) s += x[i];
            return s;
        });
        assertEquals(serial, got, 0);
        // a column sum over more than one chunk is chunked by whole columns: rows 100 → 40 columns a chunk
        int rows = 100;
        int cols = 200;
        double[] m = new double[rows * cols];
        for (int i = 0; i < m.length; i++) m[i] = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
        double expected = 0;
        for (int j0 = 0; j0 < cols; j0 += G / rows) {
            double s = 0;
            for (int i = j0 * rows; i < Math.min(cols, j0 + G / rows) * rows; i++) s += m[i];
            expected += s;
        }
        for (int threads = 1; threads <= 3; threads++) {
            double columns = Passes.of(threads).sumColumns(cols, rows, (from, to) -> {
                double s = 0;
                for (int i = from * rows; i < to * rows; i++) s += m[i];
                return s;
            });
            assertEquals(expected, columns, 0, threads + " threads");
        }
    }

    @Test
    void aBudgetOfOneRunsEverythingOnTheCallerAndMakesNoThread() {
        int before = Passes.liveWorkers();
        Passes passes = Passes.of(1);
        Thread caller = Thread.currentThread();
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 50; i++) {
            passes.run(20 * G, (from, to) -> ran.add(Thread.currentThread()));
            passes.sum(20 * G, (from, to) -> {
                ran.add(Thread.currentThread());
                return 1;
            });
        }
        assertEquals(Set.of(caller), ran);
        assertTrue(Passes.liveWorkers() <= before, "no worker was made");
        assertEquals(1, Passes.of(0).threads());
    }

    @Test
    void aBudgetOfTwoUsesAtMostOneWorkerWhichEndsWhenIdle() throws InterruptedException {
        Passes passes = Passes.of(2);
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        double[] x = new double[50 * G];
        for (int i = 0; i < 200; i++) {
            passes.run(x.length, (from, to) -> {
                ran.add(Thread.currentThread());
                for (int k = from; k < to; k++) x[k] += Math.sqrt(k);
            });
        }
        assertTrue(ran.size() <= 2, "threads that ran chunks: " + ran);
        assertTrue(Passes.liveWorkers() >= 1, "the worker is kept between passes");
        long deadline = System.nanoTime() + Passes.KEEP_ALIVE_NANOS + 10_000_000_000L;
        while (Passes.liveWorkers() > 0 && System.nanoTime() < deadline) Thread.sleep(100);
        assertEquals(0, Passes.liveWorkers(), "an idle instance leaves no thread behind");
        // and a later pass makes it again and still gives the right result
        double total = passes.sum(x.length, (from, to) -> to - from);
        assertEquals(x.length, total, 0);
    }

    @Test
    void aFailureInAChunkReachesTheCallerAndTheInstanceStaysUsable() {
        for (int threads = 1; threads <= 2; threads++) {
            Passes passes = Passes.of(threads);
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> passes.run(10 * G, (from, to) -> {
                if (from <= 3 * G && 3 * G < to) throw boom;
            }));
            assertSame(boom, thrown);
            double total = passes.sum(10 * G, (from, to) -> to - from);
            assertEquals(10 * G, total, 0);
        }
    }
}
