package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.ojalgo.OjAlgoUtils;
import org.ojalgo.matrix.store.R064Store;

/**
 * The thread budget's lever, on the native path and (surefire's ojalgo-fallback run) without native BLAS:
 * leases nest to their minimum and closing them restores the start-up count; the native binding is the
 * instance the JNI BLAS runs on.
 */
class BlasThreadsTest {

    @Test
    void theSmallestOpenLeaseIsTheLiveCountAndClosingAllRestoresTheStartUpCount() {
        int before = BlasThreads.get();
        int ojalgoBefore = OjAlgoUtils.ENVIRONMENT.threads;
        try (var outer = BlasThreads.lease(2)) {
            assertEquals(Math.min(outer.threads(), ojalgoBefore), OjAlgoUtils.ENVIRONMENT.threads);
            try (var inner = BlasThreads.lease(1)) {
                assertEquals(inner.threads(), BlasThreads.get());
                assertEquals(1, OjAlgoUtils.ENVIRONMENT.threads);
            }
            assertEquals(Math.min(2, ojalgoBefore), OjAlgoUtils.ENVIRONMENT.threads, "closing the inner lease raised ojalgo's count again");
            if (BlasThreads.nativeControl()) assertEquals(Math.min(outer.threads(), before), BlasThreads.get());
        }
        assertEquals(before, BlasThreads.get());
        assertEquals(ojalgoBefore, OjAlgoUtils.ENVIRONMENT.threads);
    }

    /** Without native BLAS (the ojalgo-fallback run) only ojalgo's count is set, and nothing fails. */
    private static void onlyOjalgoIsControlled() {
        assertFalse(BlasThreads.nativeControl());
        assertTrue(BlasThreads.describe().startsWith("ojalgo only"), BlasThreads.describe());
        try (var lease = BlasThreads.lease(1)) {
            assertEquals(lease.threads(), BlasThreads.get());
        }
    }

    /**
     * Same instance: one OpenBLAS file is mapped, and the count set through JNA governs the products that
     * run through dev.ludovic.netlib's JNI. OpenBLAS's worker is found as the native thread that works during
     * a dgemm at 2 threads and idles during the same dgemm at 1, in both of two rounds (per-thread CPU ticks
     * from /proc/self/task; CPU time, so a shared machine or other threads of the JVM, e.g. jobs of other
     * tests' servers, do not change the outcome). Without native BLAS (the ojalgo-fallback run) it checks that
     * only ojalgo is controlled instead: one test for both runs, so neither run skips one.
     */
    @Test
    void theCountSetThroughJnaGovernsTheJniBlasProducts() throws Exception {
        if (!(Gemm.get() instanceof Gemm.NativeGemm)) {
            onlyOjalgoIsControlled();
            return;
        }
        assertTrue(BlasThreads.nativeControl(), "native BLAS runs but its thread count is not controlled: " + BlasThreads.describe());
        assertEquals(1, BlasThreads.mappedInstances().size(), "one OpenBLAS instance mapped: " + BlasThreads.mappedInstances());
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2 && BlasThreads.get() >= 2, "needs 2 cores and OpenBLAS started with 2 threads");
        int n = 1500;
        R064Store a = RandomStores.uniform(n, n, 1), b = RandomStores.uniform(n, n, 2), c = Ops.make(n, n);
        Set<String> workers = null;
        for (int round = 0; round < 2; round++) {
            Map<String, Long> two;
            Map<String, Long> one;
            try (var lease = BlasThreads.lease(2)) {
                assertEquals(lease.threads(), BlasThreads.get());
                two = busyThreads(a, b, c);
            }
            try (var lease = BlasThreads.lease(1)) {
                assertEquals(lease.threads(), BlasThreads.get());
                one = busyThreads(a, b, c);
            }
            long caller = two.getOrDefault(self(), 1L);
            Set<String> found = new HashSet<>();
            for (var e : two.entrySet()) {
                boolean didHalf = !e.getKey().equals(self()) && e.getValue() * 3 >= caller;
                boolean idleAtOne = one.getOrDefault(e.getKey(), 0L) * 10 <= caller;
                if (didHalf && idleAtOne) found.add(e.getKey());
            }
            if (workers == null) workers = found;
            else workers.retainAll(found);
        }
        assertFalse(workers.isEmpty(), "a native thread worked at 2 BLAS threads and idled at 1, in both rounds");
    }

    /** CPU ticks of each thread of this process during three dgemms (after a warm-up and a pause for spinning workers). */
    private static Map<String, Long> busyThreads(R064Store a, R064Store b, R064Store c) throws Exception {
        Gemm.get().multiply(false, false, a, b, c);
        Thread.sleep(300);
        Map<String, Long> before = ticks();
        for (int i = 0; i < 3; i++) Gemm.get().multiply(false, false, a, b, c);
        Map<String, Long> delta = new HashMap<>();
        ticks().forEach((tid, t) -> delta.put(tid, t - before.getOrDefault(tid, 0L)));
        return delta;
    }

    private static String self() {
        try {
            return Path.of("/proc/thread-self").toRealPath().getFileName().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** utime + stime of every task of this process, in clock ticks. */
    private static Map<String, Long> ticks() throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName().toString(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException gone) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return out;
    }
}
