package io.nograd.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.nograd.TestData;
import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.Network;

/**
 * The checks every registered solver must pass; a new solver gets them by being registered (see
 * docs/adding-a-solver.md). Each runs on the synthetic {@code blobs} set (20 features, 4 classes) with the
 * solver's default params, its first supported of relu/cross-entropy, and a small net.
 */
class SolverConformanceTest {

    static Stream<SolverFactory> solvers() {
        return SolverRegistry.builtIn().all().stream();
    }

    static JobSpec spec(SolverFactory f, List<Integer> layers, int epochs, int batchSize, int trainLimit) {
        String activation = f.activations().contains("relu") ? "relu" : f.activations().get(0);
        String loss = f.losses().contains("cross-entropy") ? "cross-entropy" : f.losses().get(0);
        return new JobSpec("conformance " + f.name(), f.name(), "blobs", "classification", layers, activation, null, loss,
                epochs, batchSize, trainLimit, 5L, Map.of(), null);
    }

    static JobSpec small(SolverFactory f, int epochs) {
        return spec(f, List.of(20, 16, 4), epochs, 100, 600);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void defaultsValidate(SolverFactory f) {
        Params defaults = Params.defaults(f.params());
        Record declared = defaults.as(f.paramsType());
        assertNotNull(declared);
        List<String> components = Arrays.stream(f.paramsType().getRecordComponents()).map(RecordComponent::getName).toList();
        assertEquals(components, f.params().stream().map(ParamSpec::name).toList(), "one spec per record component, in order");
        ValidatedSpec vs = TestData.validate(small(f, 1));
        assertEquals(components, List.copyOf(vs.spec().params().keySet()), "the stored spec carries every param, defaults filled in");
        assertEquals(vs.spec(), TestData.validate(vs.spec()).spec(), "a stored spec validates again to itself");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void shortRunHasFiniteLossAndWeights(SolverFactory f) {
        List<EpochMetrics> rows = run(TestData.validate(small(f, 2)));
        assertEquals(2, rows.size());
        for (EpochMetrics m : rows) {
            assertTrue(Double.isFinite(m.trainLoss()) && Double.isFinite(m.testLoss()), f.name() + ": " + m);
            assertTrue(m.objective() == null || Double.isFinite(m.objective()), f.name() + ": objective " + m.objective());
            if (m.diagnostics() != null) {
                m.diagnostics().forEach((k, v) -> assertTrue(Arrays.stream(v).allMatch(Double::isFinite), f.name() + ": " + k + " " + Arrays.toString(v)));
            }
            assertTrue(m.objective() == null || f.objective() != null, f.name() + " reports an objective it does not define");
            for (var e : m.diagnostics().entrySet()) {
                Diagnostic d = f.diagnostics().stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElse(null);
                assertNotNull(d, f.name() + " reports diagnostic '" + e.getKey() + "' without declaring it in diagnostics()");
                if (d.components() == null) {
                    assertTrue(e.getValue().length <= 2, f.name() + "." + d.name() + " has more entries than the 2 weight layers");
                } else {
                    assertEquals(d.components().size(), e.getValue().length, f.name() + "." + d.name() + " entries vs components");
                }
            }
        }
    }

    /** A diagnostic's (or objective's) name means one quantity: every solver using it gives the same definition and unit. */
    @Test
    void aNameMeansOneQuantity() {
        Map<String, Diagnostic> seen = new HashMap<>();
        for (SolverFactory f : SolverRegistry.builtIn().all()) {
            List<Diagnostic> all = new ArrayList<>(f.diagnostics());
            if (f.objective() != null) all.add(f.objective());
            for (Diagnostic d : all) {
                assertTrue(!d.definition().isBlank() && !d.unit().isBlank() && !d.title().isBlank(), f.name() + "." + d.name());
                Diagnostic before = seen.putIfAbsent(d.name(), d);
                if (before != null) assertEquals(before, d, "'" + d.name() + "' is defined twice differently (" + f.name() + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void cancelTakesEffectWithinOneBatch(SolverFactory f) {
        ValidatedSpec vs = TestData.validate(small(f, 1));
        Dataset data = TestData.DATASETS.get("blobs");
        Batches batches = batches(vs, data).epoch(1, 1);
        assertTrue(batches.batchCount() >= 6, "the test needs several batches");
        Network net = vs.newNetwork();
        AtomicInteger checks = new AtomicInteger();
        vs.factory().create(vs.shape(), vs.params()).trainEpoch(net, batches, () -> {
            checks.incrementAndGet();
            return false;
        });
        assertTrue(checks.get() >= batches.batchCount(), f.name() + " checked cancel " + checks + " times in " + batches.batchCount() + " batches");

        // Cancel as soon as the first batch has been handed out: the solver may finish that batch (and may have
        // fetched the next), but must not train on further ones.
        Batches again = batches(vs, data).epoch(1, 1);
        Solver solver = vs.factory().create(vs.shape(), vs.params());
        assertThrows(CancellationException.class, () -> solver.trainEpoch(vs.newNetwork(), again, () -> again.served() >= 1));
        assertTrue(again.served() <= 2, f.name() + " went on to batch " + again.served() + " after the cancel");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void sameSeedGivesIdenticalMetricsAndWeights(SolverFactory f) {
        ValidatedSpec vs = TestData.validate(small(f, 2));
        Network a = vs.newNetwork();
        Network b = vs.newNetwork();
        List<EpochMetrics> first = run(vs, a);
        List<EpochMetrics> second = run(vs, b);
        for (int i = 0; i < first.size(); i++) {
            EpochMetrics x = first.get(i);
            EpochMetrics y = second.get(i);
            assertEquals(x.trainLoss(), y.trainLoss(), 0.0, f.name());
            assertEquals(x.testLoss(), y.testLoss(), 0.0, f.name());
            assertEquals(x.trainAccuracy(), y.trainAccuracy(), f.name());
            assertEquals(x.testAccuracy(), y.testAccuracy(), f.name());
            assertEquals(x.objective(), y.objective(), f.name());
            assertEquals(x.diagnostics().keySet(), y.diagnostics().keySet());
            // wall-clock figures differ from run to run by nature; every other figure must not
            x.diagnostics().forEach((k, v) -> {
                if (!k.endsWith("Seconds")) assertArrayEquals(v, y.diagnostics().get(k), 0.0, f.name() + " " + k);
            });
        }
        for (int l = 0; l < a.depth(); l++) {
            assertArrayEquals(a.weight(l).data, b.weight(l).data, 0.0, f.name() + " W" + l);
            assertArrayEquals(a.bias(l).data, b.bias(l).data, 0.0, f.name() + " b" + l);
        }
    }

    /** Every solver at its defaults, and the modes that keep variables between epochs (BCD's in one batch too). */
    static Stream<JobSpec> resumable() {
        Stream<JobSpec> defaults = solvers().map(f -> small(f, 3));
        SolverFactory ipdlam = SolverRegistry.builtIn().find("ipdlam").orElseThrow();
        Stream<JobSpec> modes = Stream.of("minibatch-kept", "full-batch")
                .map(mode -> named("conformance ipdlam " + mode, small(ipdlam, 3), Map.of("mode", mode)));
        // one batch: BCD's iterations then start from the products its objective left (Bcd.productsOf), a resumed run does not
        JobSpec bcd = spec(SolverRegistry.builtIn().find("bcd").orElseThrow(), List.of(20, 16, 4), 3, 600, 600);
        JobSpec sgd = small(SolverRegistry.builtIn().find("sgd").orElseThrow(), 3);
        return Stream.concat(Stream.concat(defaults, modes), Stream.of(named("conformance bcd full batch", bcd, bcd.params()),
                named("conformance sgd momentum", sgd, Map.of("momentum", 0.9))));
    }

    /** {@code s} under another name, with {@code params}. */
    private static JobSpec named(String name, JobSpec s, Map<String, Object> params) {
        return new JobSpec(name, s.algorithm(), s.dataset(), s.task(), s.layers(), s.activation(), s.activationParams(), s.loss(),
                s.epochs(), s.batchSize(), s.trainLimit(), s.seed(), params, s.init());
    }

    /**
     * A run stopped after every epoch and resumed from its weights and the solver's state, passed through the
     * state's stored form, gives the same bits as an uninterrupted run: every figure of every epoch, and the weights.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("resumable")
    void aRunResumedFromItsSolverStateMatchesAnUninterruptedOne(JobSpec spec) throws Exception {
        ValidatedSpec vs = TestData.validate(spec);
        Dataset data = TestData.DATASETS.get(vs.datasetName());
        Network whole = vs.newNetwork();
        List<EpochMetrics> uninterrupted = run(vs, whole);
        Network net = vs.newNetwork();
        List<EpochMetrics> resumed = new ArrayList<>();
        byte[] stored = null;
        for (int epoch = 1; epoch <= vs.shape().epochs(); epoch++) {
            Training training = new Training(vs, data);
            if (stored != null) {
                assertTrue(training.restoreSolverState(SolverState.readFrom(new java.io.ByteArrayInputStream(stored))), spec.name() + ": state fits");
            }
            Network restarted = vs.newNetwork();
            restarted.copyFrom(net);
            net = restarted;
            int last = epoch;
            try {
                training.run(net, epoch, () -> resumed.size() >= last, resumed::add);
            } catch (CancellationException stopped) {
                // stopped after epoch `last`, as a server stops between epochs
            }
            var bytes = new java.io.ByteArrayOutputStream();
            training.solverState().writeTo(bytes);
            stored = bytes.toByteArray();
        }
        assertEquals(uninterrupted.size(), resumed.size());
        for (int i = 0; i < uninterrupted.size(); i++) {
            EpochMetrics x = uninterrupted.get(i);
            EpochMetrics y = resumed.get(i);
            String what = spec.name() + ", epoch " + (i + 1);
            assertEquals(x.trainLoss(), y.trainLoss(), 0.0, what);
            assertEquals(x.testLoss(), y.testLoss(), 0.0, what);
            assertEquals(x.objective(), y.objective(), what);
            x.diagnostics().forEach((k, v) -> {
                if (!k.endsWith("Seconds")) assertArrayEquals(v, y.diagnostics().get(k), 0.0, what + " " + k);
            });
        }
        for (int l = 0; l < whole.depth(); l++) {
            assertArrayEquals(whole.weight(l).data, net.weight(l).data, 0.0, spec.name() + " W" + l);
            assertArrayEquals(whole.bias(l).data, net.bias(l).data, 0.0, spec.name() + " b" + l);
        }
    }

    /** A state stored by another solver (or another shape) is refused, and the run goes on with fresh state. */
    @Test
    void aStateThatDoesNotFitIsRefused() {
        SolverState foreign = new SolverState();
        foreign.put("something else", new double[] {1, 2, 3});
        for (SolverFactory f : SolverRegistry.builtIn().all()) {
            Training training = new Training(TestData.validate(small(f, 1)), TestData.DATASETS.get("blobs"));
            Training probe = new Training(TestData.validate(small(f, 1)), TestData.DATASETS.get("blobs"));
            List<EpochMetrics> rows = new ArrayList<>();
            probe.run(TestData.validate(small(f, 1)).newNetwork(), 1, Cancellation.NEVER, rows::add);
            if (probe.solverState().isEmpty()) continue;
            assertTrue(!training.restoreSolverState(foreign), f.name() + " took a state that is not its own");
        }
    }

    /**
     * The admission estimate against the heap a job actually holds: used heap after a full GC, with the
     * network, the solver (after one epoch, so its workspaces and kept state exist) and the batch buffers
     * reachable, minus the same before they were made. This checks retained memory, which is what admission
     * control must bound; it does not see transient garbage within a batch (printed for information as the
     * bytes the thread allocated, which misses allocations on ojalgo's or the solver's worker threads).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void memoryEstimateCoversWhatTheRunHolds(SolverFactory f) {
        ValidatedSpec vs = TestData.validate(spec(f, List.of(20, 256, 256, 4), 1, 500, 3000));
        Dataset data = TestData.DATASETS.get("blobs");
        long estimate = vs.factory().estimateBytes(vs.shape(), vs.params()).orElse(JobSpecValidator.estimateBytes(vs.shape()));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = usedAfterGc();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        Network net = vs.newNetwork();
        Batches batches = batches(vs, data).epoch(1, 1);
        Solver solver = vs.factory().create(vs.shape(), vs.params());
        solver.trainEpoch(net, batches, Cancellation.NEVER);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        long held = usedAfterGc() - before;
        Reference.reachabilityFence(net);
        Reference.reachabilityFence(batches);
        Reference.reachabilityFence(solver);
        System.out.printf("%s: estimate %.1f MiB, held after one epoch %.1f MiB, allocated by the test thread %.1f MiB%n",
                f.name(), estimate / 1048576.0, held / 1048576.0, allocated / 1048576.0);
        assertTrue(held <= estimate, f.name() + " holds " + held + " bytes after one epoch but estimates " + estimate);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static Batches batches(ValidatedSpec vs, Dataset data) {
        return Training.batches(vs, data);
    }

    private static List<EpochMetrics> run(ValidatedSpec vs) {
        Network net = vs.newNetwork();
        List<EpochMetrics> rows = run(vs, net);
        assertTrue(net.isFinite(), vs.factory().name() + ": weights not finite");
        return rows;
    }

    private static List<EpochMetrics> run(ValidatedSpec vs, Network net) {
        List<EpochMetrics> rows = new ArrayList<>();
        new Training(vs, TestData.DATASETS.get("blobs")).run(net, 1, Cancellation.NEVER, rows::add);
        return rows;
    }
}
