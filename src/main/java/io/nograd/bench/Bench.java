package io.nograd.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;

import io.nograd.data.Dataset;
import io.nograd.data.DatasetRegistry;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.Gemm;
import io.nograd.nn.Network;
import io.nograd.nn.Passes;
import io.nograd.solver.SolverRegistry;
import io.nograd.system.ValidationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a JobSpec headless (no HTTP, no database) and prints one line per epoch and a summary, exactly as
 * the server would train it. Usage (see bench/run.sh):
 * <pre>bench/run.sh SPEC.json [key=value ...]</pre>
 * where each {@code key=value} overrides a spec field ({@code epochs=3}, {@code params.mu=5},
 * {@code layers=784,500,10}); values parse as JSON where they can.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: bench/run.sh SPEC.json [field=value ...]");
            System.exit(2);
        }
        JsonMapper json = JsonMapper.builder().build();
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = json.readValue(Files.readString(Path.of(args[0])), LinkedHashMap.class);
        for (int i = 1; i < args.length; i++) override(json, tree, args[i]);
        JobSpec spec = json.convertValue(tree, JobSpec.class);

        DatasetRegistry datasets = new DatasetRegistry(
                Path.of(System.getProperty("nograd.datasets.fashion-mnist-dir", "/usr/share/datasets/fashion-mnist")),
                Path.of(System.getProperty("nograd.datasets.mnist-dir", "/usr/local/share/datasets/mnist")));
        int threads = Runtime.getRuntime().availableProcessors();
        ValidatedSpec vs;
        try {
            vs = new JobSpecValidator(SolverRegistry.builtIn(), datasets, threads, Runtime.getRuntime().maxMemory()).validate(spec);
        } catch (ValidationException e) {
            e.errors().forEach(err -> System.err.println("invalid spec: " + err.field() + ": " + err.message()));
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "# %s on %s, layers %s, %s/%s, batch %d, seed %d, params %s, gemm %s%n",
                vs.spec().algorithm(), vs.spec().dataset(), vs.spec().layers(), vs.spec().activation(), vs.spec().loss(),
                vs.shape().batchSize(), vs.shape().seed(), printable(vs.params().asMap()), Gemm.get().name());
        long t0 = System.nanoTime();
        Dataset data = datasets.get(vs.datasetName());
        System.out.printf(Locale.ROOT, "# dataset loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Network net = vs.newNetwork();
        List<Double> seconds = new ArrayList<>();
        double[] best = {Double.NEGATIVE_INFINITY};
        Targets targets = Targets.fromProperties();
        System.out.println("epoch  trainLoss  trainAcc  testLoss  testAcc   seconds  objective  heapMB");
        long start = System.nanoTime();
        try {
            new Training(vs, data).run(net, 1, targets::stop, m -> {
                seconds.add(m.seconds());
                if (m.testAccuracy() != null) best[0] = Math.max(best[0], m.testAccuracy());
                targets.onEpoch(m.epoch(), m.testAccuracy(), (System.nanoTime() - start) / 1e9);
                Runtime rt = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "%5d  %9.5f  %8s  %8.5f  %7s  %8.2f  %9s  %6d  %s%n", m.epoch(), m.trainLoss(),
                        fmt(m.trainAccuracy()), m.testLoss(), fmt(m.testAccuracy()), m.seconds(),
                        m.objective() == null ? "-" : String.format(Locale.ROOT, "%.5g", m.objective()),
                        (rt.totalMemory() - rt.freeMemory()) >> 20, diagnostics(m.diagnostics()));
            });
        } catch (CancellationException e) {
            System.out.printf(Locale.ROOT, "# stopped after %d epochs: %s%n", seconds.size(), targets.stopReason());
        }
        targets.print(seconds.size(), (System.nanoTime() - start) / 1e9);
        double mean = seconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double median = seconds.stream().sorted().skip(seconds.size() / 2).findFirst().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "# mean epoch %.2f s, median %.2f s, best test accuracy %s%n", mean, median,
                best[0] == Double.NEGATIVE_INFINITY ? "-" : String.format(Locale.ROOT, "%.4f", best[0]));
        System.out.printf(Locale.ROOT, "# element-wise passes (job budget %d threads): %s%n", threads, Passes.usage());
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String diagnostics(Map<String, double[]> d) {
        if (d == null || d.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        d.forEach((k, v) -> {
            sb.append(k).append('=');
            for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3g", v[i]));
            sb.append(' ');
        });
        return sb.toString().trim();
    }

    @SuppressWarnings("unchecked")
    private static void override(JsonMapper json, Map<String, Object> tree, String arg) {
        int eq = arg.indexOf('=');
        if (eq < 1) throw new IllegalArgumentException("override must be field=value: " + arg);
        String key = arg.substring(0, eq);
        String raw = arg.substring(eq + 1);
        Object value;
        if (key.equals("layers") && !raw.startsWith("[")) raw = "[" + raw + "]";
        try {
            value = json.readValue(raw, Object.class);
        } catch (RuntimeException e) {
            value = raw;
        }
        Map<String, Object> target = tree;
        String[] path = key.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            target = (Map<String, Object>) target.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        }
        target.put(path[path.length - 1], value);
    }

    /** The params as {@code {name=value, …}}, with list params (per-layer values) written out. */
    private static String printable(Map<String, Object> params) {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        params.forEach((name, value) -> out.add(name + "=" + (value instanceof double[] list ? Arrays.toString(list) : value)));
        return out.toString();
    }
}
