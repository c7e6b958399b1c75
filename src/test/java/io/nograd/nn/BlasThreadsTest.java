package io.nograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

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

    @Test
    void withoutNativeBlasOnlyOjalgoIsControlledAndNothingFails() {
        assumeTrue(!(Gemm.get() instanceof Gemm.NativeGemm));
        assertFalse(BlasThreads.nativeControl());
        assertTrue(BlasThreads.describe().startsWith("ojalgo only"), BlasThreads.describe());
        try (var lease = BlasThreads.lease(1)) {
            assertEquals(lease.threads(), BlasThreads.get());
        }
    }

    /**
     * Same instance: one OpenBLAS file is mapped, and the count set through JNA governs the products that
     * run through dev.ludovic.netlib's JNI: with 1 thread the process spends about the calling thread's CPU
     * time on a dgemm, with 2 about twice (OpenBLAS's worker does half). CPU times, not wall times, so a
     * shared machine does not change the outcome.
     */
    @Test
    void theCountSetThroughJnaGovernsTheJniBlasProducts() throws Exception {
        assumeTrue(BlasThreads.nativeControl(), "no native OpenBLAS here: " + BlasThreads.describe());
        assertEquals(1, BlasThreads.mappedInstances().size(), "one OpenBLAS instance mapped: " + BlasThreads.mappedInstances());
        int n = 1200;
        R064Store a = RandomStores.uniform(n, n, 1), b = RandomStores.uniform(n, n, 2), c = Ops.make(n, n);
        try (var one = BlasThreads.lease(1)) {
            assertEquals(one.threads(), BlasThreads.get());
            double ratio = cpuRatio(a, b, c);
            assertTrue(ratio < 1.3, "1 BLAS thread: process CPU / caller CPU = " + ratio);
        }
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2);
        try (var two = BlasThreads.lease(2)) {
            assertEquals(two.threads(), BlasThreads.get());
            double ratio = cpuRatio(a, b, c);
            assertTrue(ratio > 1.5, "2 BLAS threads: process CPU / caller CPU = " + ratio);
        }
    }

    /** Process CPU time over the calling thread's CPU time during three dgemms (after a warm-up and a pause for spinning workers). */
    private static double cpuRatio(R064Store a, R064Store b, R064Store c) throws InterruptedException {
        Gemm.get().multiply(false, false, a, b, c);
        Thread.sleep(300);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long p0 = os.getProcessCpuTime(), t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < 3; i++) Gemm.get().multiply(false, false, a, b, c);
        return (double) (os.getProcessCpuTime() - p0) / (threads.getCurrentThreadCpuTime() - t0);
    }
}
