package io.nograd.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nograd.data.DatasetInfo;
import io.nograd.data.DatasetRegistry;
import io.nograd.nn.Activation;
import io.nograd.nn.Init;
import io.nograd.nn.Loss;
import io.nograd.nn.Task;
import io.nograd.solver.Params;
import io.nograd.solver.SolverFactory;
import io.nograd.solver.MemoryEstimate;
import io.nograd.solver.SolverRegistry;
import io.nograd.solver.TrainingShape;
import io.nograd.system.FieldError;
import io.nograd.system.ValidationException;

/**
 * Checks every field of a {@link JobSpec} against the solver's spec and the dataset, collecting all
 * errors at once, and fills in defaults. Nothing is allocated for the job before it passes: sizes that
 * would not fit in the heap are refused here.
 */
public final class JobSpecValidator {

    public static final int MAX_UNITS = 100_000;
    public static final int MAX_EPOCHS = 100_000;
    public static final int MAX_BATCH = 1_000_000;
    public static final int MAX_LAYERS = 64;

    private final SolverRegistry solvers;
    private final DatasetRegistry datasets;
    private final int threads;
    private final long heapBytes;
    private final double maxWork;

    /**
     * @param threads   cores one job may use
     * @param heapBytes memory a job may take; a spec whose estimate exceeds it is refused
     */
    public JobSpecValidator(SolverRegistry solvers, DatasetRegistry datasets, int threads, long heapBytes) {
        this(solvers, datasets, threads, heapBytes, Double.POSITIVE_INFINITY);
    }

    /**
     * @param maxWork a job's compute budget: epochs × training samples × weights (the multiply-adds of one
     *                forward pass over every epoch); a spec over it is refused
     */
    public JobSpecValidator(SolverRegistry solvers, DatasetRegistry datasets, int threads, long heapBytes, double maxWork) {
        this.maxWork = maxWork;
        this.solvers = solvers;
        this.datasets = datasets;
        this.threads = threads;
        this.heapBytes = heapBytes;
    }

    public ValidatedSpec validate(JobSpec spec) {
        if (spec == null) throw new ValidationException("body", "a JSON job spec is required");
        List<FieldError> errors = new ArrayList<>();

        SolverFactory factory = null;
        if (blank(spec.algorithm())) {
            errors.add(new FieldError("algorithm", "is required; one of " + solvers.names()));
        } else {
            factory = solvers.find(spec.algorithm()).orElse(null);
            if (factory == null) errors.add(new FieldError("algorithm", "unknown algorithm '" + spec.algorithm() + "'; known: " + solvers.names()));
        }

        DatasetInfo data = null;
        if (blank(spec.dataset())) {
            errors.add(new FieldError("dataset", "is required; one of " + datasetNames()));
        } else {
            data = datasets.info(spec.dataset()).orElse(null);
            if (data == null) {
                errors.add(new FieldError("dataset", "unknown dataset '" + spec.dataset() + "'; known: " + datasetNames()));
            } else if (!data.available()) {
                errors.add(new FieldError("dataset", "dataset '" + data.name() + "' is not available here: " + data.reason()));
                data = null;
            }
        }

        Task task = Task.CLASSIFICATION;
        if (spec.task() != null) {
            try {
                task = Task.of(spec.task());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("task", e.getMessage()));
            }
        }

        int[] layers = layers(spec.layers(), data, task, errors);

        String activationName = spec.activation() == null ? "relu" : spec.activation();
        Activation activation = null;
        if (factory != null && !factory.activations().contains(activationName)) {
            errors.add(new FieldError("activation", "'" + activationName + "' is not supported by " + factory.name()
                    + "; it supports " + factory.activations()));
        } else {
            try {
                activation = Activation.of(activationName, spec.activationParams());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(e.getMessage().startsWith("activationParams") ? "activationParams" : "activation", e.getMessage()));
            }
        }
        if (spec.activationParams() != null) {
            for (String key : spec.activationParams().keySet()) {
                if (!List.of("alpha", "lower", "upper").contains(key)) {
                    errors.add(new FieldError("activationParams." + key, "unknown; activations take alpha (leaky-relu, elu), lower and upper (dcutlu)"));
                }
            }
        }

        String lossName = spec.loss() == null ? (task == Task.AUTOENCODER ? "mse" : "cross-entropy") : spec.loss();
        Loss loss = null;
        try {
            loss = Loss.of(lossName);
            if (factory != null && !factory.losses().contains(lossName)) {
                errors.add(new FieldError("loss", "'" + lossName + "' is not supported by " + factory.name() + "; it supports " + factory.losses()));
            }
            if (task == Task.AUTOENCODER && loss != Loss.MSE) {
                errors.add(new FieldError("loss", "an autoencoder reconstructs its input: use mse"));
            }
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("loss", e.getMessage()));
        }

        int epochs = range(spec.epochs(), 10, 1, MAX_EPOCHS, "epochs", errors);
        int defaultBatch = factory == null ? 100 : factory.defaultBatchSize();
        int batchSize = range(spec.batchSize(), defaultBatch, 1, MAX_BATCH, "batchSize", errors);
        Integer trainLimit = spec.trainLimit();
        int trainSamples = data == null ? 0 : data.trainSize();
        if (trainLimit != null) {
            if (trainLimit < 1) {
                errors.add(new FieldError("trainLimit", "must be at least 1 (or null for the whole training set)"));
            } else if (data != null && trainLimit > data.trainSize()) {
                errors.add(new FieldError("trainLimit", "is " + trainLimit + " but " + data.name() + " has " + data.trainSize() + " training samples"));
            } else {
                trainSamples = trainLimit;
            }
        }
        long seed = spec.seed() == null ? 1L : spec.seed();

        Params params = null;
        if (factory != null) {
            try {
                params = Params.validate(factory.params(), spec.params());
            } catch (ValidationException e) {
                errors.addAll(e.errors());
            }
        }

        Init init = factory == null ? Init.GLOROT : factory.defaultInit();
        if (spec.init() != null) {
            JobSpec.InitSpec i = spec.init();
            try {
                double scale = i.scale() == null ? 0.01 : i.scale();
                if ("gaussian".equals(i.kind()) && !(scale > 0 && scale <= 10)) {
                    errors.add(new FieldError("init.scale", "must be in (0, 10] for a gaussian init"));
                }
                init = new Init(i.kind() == null ? init.kind() : i.kind(), scale, i.bias() == null ? init.bias() : i.bias());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("init.kind", e.getMessage()));
            }
        }

        if (spec.name() != null && spec.name().length() > 200) {
            errors.add(new FieldError("name", "is longer than 200 characters"));
        }

        if (!errors.isEmpty()) throw new ValidationException(errors);

        TrainingShape shape = new TrainingShape(layers, activation, loss, task, Math.min(batchSize, trainSamples),
                trainSamples, epochs, seed, threads);
        long bytes = estimateBytes(factory, shape, params);
        if (bytes > heapBytes) {
            errors.add(new FieldError("layers", String.format(java.util.Locale.ROOT, "this job needs about %.0f MiB (weights, solver state, "
                    + "batch, evaluation and checkpoint buffers), more than the %.0f MiB of heap a job may use here; %s",
                    bytes / 1048576.0, heapBytes / 1048576.0, factory.memoryAdvice())));
        }
        double work = work(shape);
        if (work > maxWork) {
            errors.add(new FieldError("epochs", String.format("this job is about %.3g multiply-adds (epochs × training samples × weights), "
                    + "more than the %.3g one job may use here (nograd.jobs.max-work); use fewer epochs, a trainLimit or a smaller network",
                    work, maxWork)));
        }
        factory.validate(shape, params, errors);
        if (!errors.isEmpty()) throw new ValidationException(errors);

        Map<String, Object> filledParams = new LinkedHashMap<>(params.asMap());
        JobSpec filled = new JobSpec(
                spec.name() == null || spec.name().isBlank() ? factory.name() + " " + data.name() : spec.name(),
                factory.name(), data.name(), task.id(), spec.layers(), activationName, spec.activationParams(),
                lossName, epochs, batchSize, trainLimit, seed, filledParams,
                new JobSpec.InitSpec(init.kind(), init.scale(), init.bias()));
        return new ValidatedSpec(filled, factory, params, shape, factory.outputActivation(activation, loss, params), init, data.name());
    }

    /** The heap a validated job is expected to take (what every job holds plus its solver's own estimate). */
    public long estimateBytes(ValidatedSpec spec) {
        return estimateBytes(spec.factory(), spec.shape(), spec.params());
    }

    /** What every job holds plus what its solver reports (else the generic estimate). */
    private static long estimateBytes(SolverFactory factory, TrainingShape shape, Params params) {
        return commonBytes(shape) + factory.estimateBytes(shape, params).orElse(estimateBytes(shape));
    }

    /** The heap one job may take; a spec whose estimate exceeds it is refused. */
    public long heapBytes() {
        return heapBytes;
    }

    /** Epochs × training samples × weights: the forward-pass multiply-adds of the whole job, which every solver's cost scales with. */
    static double work(TrainingShape s) {
        double weights = 0;
        for (int l = 0; l + 1 < s.layers().length; l++) weights += (double) s.layers()[l + 1] * (s.layers()[l] + 1);
        return weights * s.trainSamples() * s.epochs();
    }

    /**
     * Bytes every job holds whatever its solver: the network, the checkpoint's copies while it is written
     * (the tensors, the file's bytes and its SHA-256 input), the evaluator's two forward passes of
     * {@link Training#EVAL_CHUNK} columns with their inputs and targets, and the batch gather (full and last
     * batch, float64 and float32).
     */
    static long commonBytes(TrainingShape s) {
        long p = MemoryEstimate.params(s);
        long u = MemoryEstimate.units(s);
        long io = s.layers()[0] + s.layers()[s.layers().length - 1];
        long chunk = Math.min(Training.EVAL_CHUNK, Math.max(s.trainSamples(), 1));
        return 8 * (4 * p + 2 * (2 * u + io) * chunk) + MemoryEstimate.workspaces(s, m -> 12 * io * m);
    }

    /**
     * Bytes a job holds beyond the shared dataset: the weights four times over (network, checkpoint copy,
     * optimizer state) and about eight batch-sized buffers per layer.
     */
    public static long estimateBytes(TrainingShape s) {
        long params = 0;
        long units = 0;
        for (int l = 0; l + 1 < s.layers().length; l++) {
            params += (long) s.layers()[l + 1] * (s.layers()[l] + 1);
            units += s.layers()[l + 1];
        }
        units += s.layers()[0];
        return 8L * (4 * params + 8 * units * (long) Math.max(1, s.batchSize()));
    }

    private int[] layers(List<Integer> given, DatasetInfo data, Task task, List<FieldError> errors) {
        if (given == null || given.size() < 2) {
            errors.add(new FieldError("layers", "needs at least an input and an output size, e.g. [784, 500, 10]"));
            return null;
        }
        if (given.size() > MAX_LAYERS + 1) {
            errors.add(new FieldError("layers", "has " + (given.size() - 1) + " weight layers; at most " + MAX_LAYERS));
            return null;
        }
        int[] out = new int[given.size()];
        for (int i = 0; i < out.length; i++) {
            Integer v = given.get(i);
            if (v == null || v < 1 || v > MAX_UNITS) {
                errors.add(new FieldError("layers[" + i + "]", "must be a whole number in [1, " + MAX_UNITS + "], got " + v));
                return null;
            }
            out[i] = v;
        }
        if (data != null) {
            if (out[0] != data.features()) {
                errors.add(new FieldError("layers[0]", "is " + out[0] + " but " + data.name() + " has " + data.features() + " features"));
            }
            int want = task == Task.AUTOENCODER ? data.features() : data.classes();
            int last = out[out.length - 1];
            if (last != want) {
                errors.add(new FieldError("layers[" + (out.length - 1) + "]", "is " + last + " but must be " + want
                        + (task == Task.AUTOENCODER ? " (an autoencoder's output equals its input size)" : " (" + data.name() + " has " + want + " classes)")));
            }
        }
        return out;
    }

    private static int range(Integer v, int dflt, int min, int max, String field, List<FieldError> errors) {
        if (v == null) return dflt;
        if (v < min || v > max) {
            errors.add(new FieldError(field, "must be in [" + min + ", " + max + "], got " + v));
            return dflt;
        }
        return v;
    }

    private List<String> datasetNames() {
        return datasets.list().stream().map(DatasetInfo::name).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
