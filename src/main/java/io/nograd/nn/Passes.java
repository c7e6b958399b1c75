package io.nograd.nn;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Element-wise passes of one solver split over its job's thread budget. The BLAS threads and these threads take
 * turns, never run together: a solver's thread is either in a product or in a pass, so a job with a budget of
 * {@code threads} cores runs at most {@code threads} threads either way.
 * <p>
 * A pass covers [0, n) in fixed chunks ({@link #GRAIN} elements, or as many whole columns as make about that many),
 * whose boundaries depend on n alone. The calling thread takes chunks from the front and up to {@code threads − 1}
 * workers from the back of one shared claim, so a late or busy worker only means the caller takes more chunks. A reduction sums each chunk
 * in index order and then the chunks' partial sums in chunk order: its result is the same bits for any thread
 * count, and for n ≤ one chunk the same as a plain serial loop.
 * <p>
 * With a budget of 1 (a job sharing the cores, a pinned bench) every pass runs on the caller and no thread is
 * made. Otherwise the workers are made on the first pass; after a pass each spins briefly, then yields its core
 * (BLAS runs between passes) for a while, then parks, and ends
 * after {@link #KEEP_ALIVE_NANOS} without work (a finished job's instance leaves no thread behind), to be made
 * again by a later pass. Steady state allocates nothing: the bodies are objects the solver made once, the
 * partial sums sit in a buffer grown to the largest pass seen.
 * <p>
 * One instance per solver and thread ({@link #of} makes a new one): passes of one instance must not run concurrently,
 * nor nest.
 */
public final class Passes {

    /** Elements per chunk: large enough that claiming one costs nothing beside it, small enough to share 50k out. */
    public static final int GRAIN = 4096;

    static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * After a pass a worker spins this long, then yields the core (to BLAS's threads) until {@link #YIELD_NANOS}
     * (longer than the products between SIBP's passes), then parks.
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long YIELD_NANOS = TimeUnit.MICROSECONDS.toNanos(300);
    private static final AtomicInteger LIVE = new AtomicInteger();
    /** Process totals of the passes that ran on more than one thread: passes, their chunks, the chunks workers ran. */
    private static final LongAdder PARALLEL_PASSES = new LongAdder();
    private static final LongAdder PARALLEL_CHUNKS = new LongAdder();
    private static final LongAdder WORKER_CHUNKS = new LongAdder();

    /** An element-wise body over [from, to) (elements, or columns for a column pass). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** A body over [from, to) that returns its partial sum, summed in index order within the range. */
    @FunctionalInterface
    public interface Sum {
        double sum(int from, int to);
    }

    /** A body over [from, to) that writes its k partial sums to out[at], …, out[at + k − 1]. */
    @FunctionalInterface
    public interface Sums {
        void sums(int from, int to, double[] out, int at);
    }

    private final int threads;
    private final Worker[] workers;

    // The pass in hand: written by the caller before it publishes the pass (next, generation), read by workers after.
    private Range range;
    private Sum sum;
    private Sums sums;
    private int length;
    private int chunk;
    private int chunks;
    private int width;
    private double[] partials = new double[0];
    private volatile Throwable failure;

    // The operands of the built-in passes (dot, widen, narrow), read by their bodies.
    private double[] dotA;
    private double[] dotB;
    private float[] copyFloats;
    private double[] copyDoubles;
    private int copyFloatOff;
    private int copyDoubleOff;
    private final Sum dotBody = (from, to) -> {
        double[] a = dotA;
        double[] b = dotB;
        double s = 0;
        for (int i = from; i < to; i++) s += a[i] * b[i];
        return s;
    };
    private final Range widenBody = (from, to) -> {
        float[] f = copyFloats;
        double[] d = copyDoubles;
        int fo = copyFloatOff;
        int dof = copyDoubleOff;
        for (int i = from; i < to; i++) d[dof + i] = f[fo + i];
    };
    private final Range narrowBody = (from, to) -> {
        float[] f = copyFloats;
        double[] d = copyDoubles;
        int fo = copyFloatOff;
        int dof = copyDoubleOff;
        for (int i = from; i < to; i++) f[fo + i] = (float) d[dof + i];
    };

    /**
     * The chunks left to claim, [first, end), and the pass they belong to: generation (24 bits), first and end
     * (20 bits each; a pass has at most 2³¹ / {@link #GRAIN} chunks). Claims are CAS on it, so a worker that wakes
     * after its pass ended finds another generation and claims nothing.
     */
    private final AtomicLong next = new AtomicLong();
    private static final int INDEX_BITS = 20;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final int GENERATION_SHIFT = 2 * INDEX_BITS;
    private static final long GENERATION_MASK = (1L << (64 - GENERATION_SHIFT)) - 1;
    private final AtomicInteger done = new AtomicInteger();
    private volatile long generation;

    private Passes(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) workers[i] = new Worker(this, i);
    }

    /** Passes on up to {@code threads} threads (the caller's included); 1 or less: serial, and no thread is ever made. */
    public static Passes of(int threads) {
        return new Passes(Math.max(1, threads));
    }

    /** The thread budget of these passes. */
    public int threads() {
        return threads;
    }

    /** Worker threads alive in the process now (every instance's): 0 while only budgets of 1 run. */
    public static int liveWorkers() {
        return LIVE.get();
    }

    /**
     * What the budget did so far in this process: "N passes on more than one thread, P% of their chunks by workers"
     * (a bench prints it: a share near 0 means the workers never got a core).
     */
    public static String usage() {
        long chunks = PARALLEL_CHUNKS.sum();
        return String.format(java.util.Locale.ROOT, "%d passes on more than one thread, %.1f%% of their %d chunks by workers",
                PARALLEL_PASSES.sum(), chunks == 0 ? 0.0 : 100.0 * WORKER_CHUNKS.sum() / chunks, chunks);
    }

    /** body over [0, n) in chunks of {@link #GRAIN} elements. */
    public void run(int n, Range body) {
        if (threads == 1 || n <= GRAIN) {
            if (n > 0) body.run(0, n);
            return;
        }
        start(n, GRAIN, 0, body, null, null);
    }

    /** body over the columns [0, cols) of a column-major matrix with {@code rows} rows, about {@link #GRAIN} elements a chunk. */
    public void runColumns(int cols, int rows, Range body) {
        int step = columnsPerChunk(rows);
        if (threads == 1 || cols <= step) {
            if (cols > 0) body.run(0, cols);
            return;
        }
        start(cols, step, 0, body, null, null);
    }

    /** Σ over [0, n): body's partial sums of {@link #GRAIN}-element chunks, added in chunk order. */
    public double sum(int n, Sum body) {
        if (n <= GRAIN) return n > 0 ? body.sum(0, n) : 0;
        start(n, GRAIN, 1, null, body, null);
        return total(0, 1);
    }

    /** {@link #sum} over whole columns, about {@link #GRAIN} elements a chunk. */
    public double sumColumns(int cols, int rows, Sum body) {
        int step = columnsPerChunk(rows);
        if (cols <= step) return cols > 0 ? body.sum(0, cols) : 0;
        start(cols, step, 1, null, body, null);
        return total(0, 1);
    }

    /** k sums at once over [0, n): totals[i] = Σ over the chunks, in chunk order, of partial i. */
    public void sums(int n, int k, Sums body, double[] totals) {
        if (n <= GRAIN) {
            java.util.Arrays.fill(totals, 0, k, 0);
            if (n > 0) body.sums(0, n, totals, 0);
            return;
        }
        start(n, GRAIN, k, null, null, body);
        for (int i = 0; i < k; i++) totals[i] = total(i, k);
    }

    /** ⟨a, b⟩ over the first n entries, summed as {@link #sum} does. */
    public double dot(double[] a, double[] b, int n) {
        dotA = a;
        dotB = b;
        try {
            return sum(n, dotBody);
        } finally {
            dotA = null;
            dotB = null;
        }
    }

    /** to[toOff + i] = from[fromOff + i] for i &lt; n: float32 to float64. */
    public void widen(float[] from, int fromOff, double[] to, int toOff, int n) {
        copy(from, fromOff, to, toOff, n, widenBody);
    }

    /** to[toOff + i] = (float) from[fromOff + i] for i &lt; n: float64 rounded to float32. */
    public void narrow(double[] from, int fromOff, float[] to, int toOff, int n) {
        copy(to, toOff, from, fromOff, n, narrowBody);
    }

    /** Runs a copy body between the float32 and the float64 array (its direction is the body's). */
    private void copy(float[] floats, int floatOff, double[] doubles, int doubleOff, int n, Range body) {
        copyFloats = floats;
        copyDoubles = doubles;
        copyFloatOff = floatOff;
        copyDoubleOff = doubleOff;
        try {
            run(n, body);
        } finally {
            copyFloats = null;
            copyDoubles = null;
        }
    }

    private static int columnsPerChunk(int rows) {
        return Math.max(1, GRAIN / Math.max(1, rows));
    }

    private double total(int offset, int k) {
        double t = 0;
        for (int c = 0; c < chunks; c++) t += partials[c * k + offset];
        return t;
    }

    /** Publishes the pass, takes chunks until none is left, waits for the chunks workers took, rethrows their failure. */
    private void start(int n, int step, int k, Range r, Sum s, Sums ss) {
        range = r;
        sum = s;
        sums = ss;
        length = n;
        chunk = step;
        chunks = (n + step - 1) / step;
        width = k;
        if (partials.length < chunks * k) partials = new double[chunks * k];
        if (threads == 1 || chunks > INDEX_MASK) {
            for (int c = 0; c < chunks; c++) runChunk(c);
            range = null;
            sum = null;
            sums = null;
            return;
        }
        failure = null;
        done.set(0);
        long g = (generation + 1) & GENERATION_MASK;
        next.set(g << GENERATION_SHIFT | (long) chunks);
        generation = g;
        for (Worker w : workers) w.wake();
        help(g, true);
        PARALLEL_PASSES.increment();
        PARALLEL_CHUNKS.add(chunks);
        int spins = 0;
        while (done.get() < chunks) {
            if (++spins < 1 << 12) Thread.onSpinWait();
            else Thread.yield();
        }
        range = null;
        sum = null;
        sums = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException e) throw e;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /**
     * Claims and runs chunks of pass {@code g} until none is left (or the pass is over): the caller from the front,
     * workers from the back, so that with equal speeds each thread gets the same chunks pass after pass (and finds
     * them in its own cache).
     */
    private void help(long g, boolean front) {
        while (true) {
            long cur = next.get();
            int first = (int) (cur >>> INDEX_BITS & INDEX_MASK);
            int end = (int) (cur & INDEX_MASK);
            if (cur >>> GENERATION_SHIFT != g || first >= end) return;
            int index = front ? first : end - 1;
            long claimed = front ? cur + (1L << INDEX_BITS) : cur - 1;
            if (!next.compareAndSet(cur, claimed)) continue;
            try {
                runChunk(index);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                if (!front) WORKER_CHUNKS.increment();
                done.incrementAndGet();
            }
        }
    }

    private void runChunk(int index) {
        int from = index * chunk;
        int to = Math.min(length, from + chunk);
        if (range != null) range.run(from, to);
        else if (sum != null) partials[index] = sum.sum(from, to);
        else sums.sums(from, to, partials, index * width);
    }

    /** One helper thread of an instance, made on demand and ended after a spell without work. */
    private static final class Worker implements Runnable {
        private final Passes owner;
        private final int index;
        private volatile Thread thread;
        /** Set while the thread parks (or is about to): only then does a pass pay for an unpark. */
        private volatile boolean parked;

        Worker(Passes owner, int index) {
            this.owner = owner;
            this.index = index;
        }

        /** Unparks the thread, or makes one when there is none (first pass, or it ended idle). */
        void wake() {
            Thread t = thread;
            if (t != null) {
                if (parked) LockSupport.unpark(t);
                return;
            }
            t = new Thread(this, "nograd-pass-" + index);
            t.setDaemon(true);
            thread = t;
            LIVE.incrementAndGet();
            t.start();
        }

        @Override
        public void run() {
            try {
                long seen = 0;
                long idleSince = System.nanoTime();
                while (true) {
                    long g = owner.generation;
                    if (g != seen) {
                        seen = g;
                        owner.help(g, false);
                        idleSince = System.nanoTime();
                        continue;
                    }
                    long idle = System.nanoTime() - idleSince;
                    if (idle < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else if (idle < YIELD_NANOS) {
                        // between passes a product runs on BLAS's threads: give them the core, stay ready for the next pass
                        Thread.yield();
                    } else if (idle < KEEP_ALIVE_NANOS) {
                        // parked is set before generation is read again, and a pass sets generation before reading parked
                        parked = true;
                        if (owner.generation == seen) LockSupport.parkNanos(this, KEEP_ALIVE_NANOS);
                        parked = false;
                    } else {
                        // Ending is safe at any moment: a pass never waits for a worker that has not claimed a chunk,
                        // and the next pass makes a new thread.
                        thread = null;
                        return;
                    }
                }
            } finally {
                LIVE.decrementAndGet();
            }
        }
    }
}
