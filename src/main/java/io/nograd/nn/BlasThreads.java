package io.nograd.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.ojalgo.OjAlgoUtils;
import org.ojalgo.machine.VirtualMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * The process's matrix-product thread count, set from inside the process: OpenBLAS's
 * ({@code openblas_set_num_threads} through JNA, on the very library instance that {@link Gemm}'s JNI
 * binding loaded) and ojalgo's thread pool (the fallback's products, and ojalgo's decompositions).
 * <p>
 * Both counts are process-wide: OpenBLAS 0.3.21 (Debian 12) has no per-thread count
 * ({@code openblas_set_num_threads_local} came in 0.3.27). So each running job takes a {@link Lease} for
 * the BLAS threads its share allows (its cores divided by its own solver threads), and the process runs
 * with the smallest open lease: no job ever over-subscribes its share, and a job running beside a
 * parallel LPOM uses fewer BLAS threads than its share while that one runs. The library's start-up count
 * ({@code OPENBLAS_NUM_THREADS}, else the cores) is the ceiling, and the count with no lease open.
 * <p>
 * The library is found in {@code /proc/self/maps} (the mapped file that exports the symbol) and opened by
 * that path, which {@code dlopen} resolves to the already-loaded instance; {@link #mappedInstances()}
 * lets a test check that no second copy was mapped.
 */
public final class BlasThreads {

    private static final Logger LOG = LoggerFactory.getLogger(BlasThreads.class);

    private static final Object LOCK = new Object();
    private static final List<Lease> OPEN = new ArrayList<>();
    private static final VirtualMachine OJALGO = OjAlgoUtils.ENVIRONMENT;
    private static final Native NATIVE = Native.bind();

    private BlasThreads() {
    }

    /** True when OpenBLAS's count can be set (native BLAS loaded, and it is OpenBLAS). */
    public static boolean nativeControl() {
        return NATIVE != null;
    }

    /** OpenBLAS's live thread count, or ojalgo's when there is no native control. */
    public static int get() {
        return NATIVE != null ? NATIVE.get() : OjAlgoUtils.ENVIRONMENT.threads;
    }

    /** What is controlled: "openblas:/path/lib.so" or "ojalgo only (…reason…)". */
    public static String describe() {
        return NATIVE != null ? "openblas:" + NATIVE.path : "ojalgo only (" + Native.reason + ")";
    }

    /** The distinct mapped files named libopenblas* (one, when the binding shares the JNI's instance). */
    public static List<String> mappedInstances() {
        return Native.mapped().stream().filter(p -> p.substring(p.lastIndexOf('/') + 1).startsWith("libopenblas")).toList();
    }

    /**
     * Asks for at most {@code threads} matrix-product threads until the lease is closed; the process runs
     * with the smallest open lease.
     */
    public static Lease lease(int threads) {
        Lease lease = new Lease(Math.max(1, threads));
        synchronized (LOCK) {
            OPEN.add(lease);
            apply();
        }
        return lease;
    }

    /** An open request for a thread count; close it when the job ends. */
    public static final class Lease implements AutoCloseable {
        private final int threads;

        private Lease(int threads) {
            this.threads = threads;
        }

        public int threads() {
            return threads;
        }

        @Override
        public void close() {
            synchronized (LOCK) {
                if (OPEN.remove(this)) apply();
            }
        }
    }

    private static void apply() {
        int min = OPEN.stream().mapToInt(Lease::threads).min().orElse(0);
        // Raising works only from the original environment: ojalgo's limitThreadsTo can only lower the count.
        OjAlgoUtils.ENVIRONMENT = OJALGO;
        if (min > 0) OjAlgoUtils.limitThreadsTo(min);
        // The start-up count (OPENBLAS_NUM_THREADS, else the cores) stays the ceiling: a bench pinned to 1 stays at 1.
        if (NATIVE != null) NATIVE.set(min > 0 ? Math.min(min, NATIVE.initial) : NATIVE.initial);
    }

    /** OpenBLAS's two thread-count functions, bound on the loaded instance. */
    private static final class Native {
        static String reason = "not bound";
        final String path;
        final Function get;
        final Function set;
        final int initial;

        private Native(String path, Function get, Function set) {
            this.path = path;
            this.get = get;
            this.set = set;
            this.initial = get();
        }

        int get() {
            return get.invokeInt(new Object[0]);
        }

        void set(int threads) {
            set.invokeVoid(new Object[] {threads});
        }

        static Native bind() {
            if (!(Gemm.get() instanceof Gemm.NativeGemm)) {
                reason = "no native BLAS: products run on " + Gemm.get().name();
                return null;
            }
            try {
                for (String path : mapped()) {
                    if (!path.contains("blas")) continue;
                    Optional<Native> n = tryBind(path);
                    if (n.isPresent()) {
                        LOG.info("BLAS threads: bound openblas_set_num_threads in {} (start-up count {})", path, n.get().initial);
                        return n.get();
                    }
                }
                reason = "the loaded BLAS exports no openblas_set_num_threads (not OpenBLAS?)";
            } catch (RuntimeException | LinkageError e) {
                reason = "JNA could not bind OpenBLAS: " + e;
            }
            LOG.warn("BLAS threads: {}; the per-job thread budget covers ojalgo's threads only", reason);
            return null;
        }

        private static Optional<Native> tryBind(String path) {
            try {
                NativeLibrary lib = NativeLibrary.getInstance(path);
                return Optional.of(new Native(path, lib.getFunction("openblas_get_num_threads"), lib.getFunction("openblas_set_num_threads")));
            } catch (UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }

        /** Distinct files mapped into this process whose names contain "blas" (Linux; empty elsewhere). */
        static List<String> mapped() {
            try {
                return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                        .map(l -> l.indexOf('/') < 0 ? "" : l.substring(l.indexOf('/')))
                        .filter(p -> p.contains("blas") && (p.endsWith(".so") || p.contains(".so.")))
                        .distinct()
                        // OpenBLAS itself first; the others (libblas.so.3, the JNI shim) reach it through their dependencies.
                        .sorted(Comparator.comparing(p -> !p.substring(p.lastIndexOf('/') + 1).startsWith("libopenblas")))
                        .toList();
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        }
    }
}
