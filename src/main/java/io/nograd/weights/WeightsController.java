package io.nograd.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.nograd.jobs.CheckpointStore;
import io.nograd.jobs.Job;
import io.nograd.jobs.JobService;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.system.ConflictException;
import io.nograd.system.FieldError;
import io.nograd.system.NotFoundException;
import io.nograd.system.PayloadTooLargeException;
import io.nograd.system.RequestBodies;
import io.nograd.system.TooManyRequestsException;
import io.nograd.system.ValidationException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /jobs/{id}/weights} downloads the job's latest weights (the final ones once it has ended) as
 * safetensors, npz or json, with {@code Content-Length}, {@code Content-Disposition: attachment} and an
 * {@code ETag} that is the SHA-256 of the body ({@code If-None-Match} answers 304).
 * {@code POST /jobs/{id}/predict} runs the same weights' forward pass on the given inputs.
 */
@RestController
public class WeightsController {

    /** Rows one predict request may send. */
    public static final int MAX_PREDICT_ROWS = 10_000;
    /** Input values one predict request may send (rows × features). */
    public static final long MAX_PREDICT_VALUES = 4_000_000;
    /** Bytes of one predict request's body: room for its values written with full double precision. */
    public static final int MAX_PREDICT_BYTES = 96 << 20;
    /** Rows × units (summed over the layers) one predict request may compute. */
    public static final long MAX_FORWARD_VALUES = 50_000_000;
    /** Rows per forward pass, so the pass's buffers stay small whatever the request's row count. */
    static final int PREDICT_CHUNK = 1000;

    private final Semaphore heavyCalls = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private final JobService jobs;
    private final WeightsStore store;
    private final JsonMapper json;
    private final String version;

    public WeightsController(JobService jobs, WeightsStore store, JsonMapper json, ObjectProvider<BuildProperties> build) {
        this.jobs = jobs;
        this.store = store;
        this.json = json;
        BuildProperties b = build.getIfAvailable();
        String v = b != null ? b.getVersion() : WeightsController.class.getPackage().getImplementationVersion();
        this.version = v == null ? "unknown" : v;
    }

    /**
     * Where the weights came from: the whole validated spec (defaults filled in: params, seed, batch size…),
     * the dataset's name and the SHA-256 of its data as the run loaded it, and the nograd version serving them.
     */
    private Map<String, String> provenance(Job job) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spec", json.writeValueAsString(job.spec()));
        p.put("datasetName", job.spec().dataset());
        jobs.datasetSha256(job.id()).ifPresent(sha -> p.put("datasetSha256", sha));
        p.put("nogradVersion", version);
        return p;
    }

    @GetMapping("/jobs/{id}/weights")
    public ResponseEntity<byte[]> weights(@PathVariable String id, @RequestParam(defaultValue = "safetensors") String format,
                                          @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        if (!List.of("safetensors", "npz", "json").contains(format)) {
            throw new ValidationException("format", "must be safetensors, npz or json, got '" + format + "'");
        }
        Job job = jobs.get(id);
        return heavy(() -> download(job, format, ifNoneMatch));
    }

    private ResponseEntity<byte[]> download(Job job, String format, String ifNoneMatch) {
        String id = job.id();
        CheckpointStore.Checkpoint cp = checkpoint(job);
        List<Tensors.Tensor> tensors = Tensors.of(cp.network());
        byte[] body;
        MediaType type;
        switch (format) {
            case "npz" -> {
                body = Npz.write(tensors);
                type = MediaType.parseMediaType("application/zip");
            }
            case "json" -> {
                Map<String, Object> out = jsonWeights(job, cp);
                Map<String, String> p = provenance(job);
                out.put("spec", job.spec());
                out.put("datasetName", p.get("datasetName"));
                out.put("datasetSha256", p.get("datasetSha256"));
                out.put("nogradVersion", p.get("nogradVersion"));
                body = json.writeValueAsBytes(out);
                type = MediaType.APPLICATION_JSON;
            }
            default -> {
                Map<String, String> meta = WeightsStore.metadata(id, job.spec(), cp.network(), cp.network().outputActivation(), cp.epoch());
                meta.putAll(provenance(job));
                body = Safetensors.write(tensors, false, meta, json);
                type = MediaType.APPLICATION_OCTET_STREAM;
            }
        }
        String etag = "\"" + WeightsStore.sha256(body) + "\"";
        if (etag.equals(ifNoneMatch)) {
            return ResponseEntity.status(304).eTag(etag).build();
        }
        String filename = "nograd-" + id + "-epoch" + cp.epoch() + "." + format;
        return ResponseEntity.ok()
                .contentType(type)
                .contentLength(body.length)
                .eTag(etag)
                .cacheControl(CacheControl.noCache())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .body(body);
    }

    /**
     * {@code {"inputs": [[...], ...]}}: one row per sample, each with the network's input size. The body is
     * read up to {@link #MAX_PREDICT_BYTES} and parsed as a stream straight into rows of doubles, counting
     * values as it goes, so no request allocates more than its bounds.
     */
    @PostMapping("/jobs/{id}/predict")
    public Map<String, Object> predict(@PathVariable String id, HttpServletRequest request) {
        Job job = jobs.get(id);
        byte[] body = RequestBodies.read(request, MAX_PREDICT_BYTES);
        int[] sizes = job.spec().layers().stream().mapToInt(Integer::intValue).toArray();
        int features = sizes[0];
        long units = 0;
        for (int s : sizes) units += s;
        List<double[]> inputs = parseInputs(body, features);
        if ((long) inputs.size() * units > MAX_FORWARD_VALUES) {
            throw new PayloadTooLargeException("inputs", inputs.size() + " rows through " + units + " units exceed the " + MAX_FORWARD_VALUES
                    + " (rows × units) one request may compute; send at most " + MAX_FORWARD_VALUES / units + " rows");
        }
        return heavy(() -> {
            Network net = checkpoint(job).network();
            int n = inputs.size();
            int outputs = net.outputs();
            List<double[]> rows = new ArrayList<>(n);
            List<Integer> classes = new ArrayList<>(n);
            for (int from = 0; from < n; from += PREDICT_CHUNK) {
                int cols = Math.min(PREDICT_CHUNK, n - from);
                var x = Ops.make(features, cols);
                for (int j = 0; j < cols; j++) System.arraycopy(inputs.get(from + j), 0, x.data, j * features, features);
                var out = new ForwardPass(net.sizes(), cols).run(net, x);
                for (int j = 0; j < cols; j++) {
                    double[] row = new double[outputs];
                    System.arraycopy(out.data, j * outputs, row, 0, outputs);
                    rows.add(row);
                    classes.add(Ops.argmaxColumn(out, j));
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("outputs", rows);
            if (!"autoencoder".equals(job.spec().task())) result.put("classes", classes);
            result.put("epoch", job.epochsDone());
            return result;
        });
    }

    /** The rows of {@code {"inputs": [[…], …]}}, each of {@code features} finite numbers; errors name the row and column. */
    List<double[]> parseInputs(byte[] body, int features) {
        if (body.length == 0) throw new ValidationException("inputs", "give a non-empty list of input rows, e.g. {\"inputs\": [[0.1, 0.2, ...]]}");
        List<double[]> rows = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        boolean seen = false;
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new ValidationException("body", "must be a JSON object {\"inputs\": [[…], …]}");
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (!"inputs".equals(field)) throw new ValidationException(field, "unknown field '" + field + "'; known: [inputs]");
                seen = true;
                if (t == JsonToken.VALUE_NULL) continue;
                if (t != JsonToken.START_ARRAY) throw new ValidationException("inputs", "must be a list of rows, e.g. [[0.1, 0.2, ...]]");
                long values = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    int i = rows.size();
                    if (i >= MAX_PREDICT_ROWS) {
                        throw new PayloadTooLargeException("inputs", "has more than " + MAX_PREDICT_ROWS + " rows; at most " + MAX_PREDICT_ROWS + " per request");
                    }
                    double[] row = new double[features];
                    rows.add(row);
                    if (t != JsonToken.START_ARRAY) {
                        if (t.isStructStart()) p.skipChildren();
                        if (errors.size() < 10) errors.add(new FieldError("inputs[" + i + "]", "must be a list of " + features + " numbers"));
                        continue;
                    }
                    int f = 0;
                    boolean bad = false;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (++values > MAX_PREDICT_VALUES) {
                            throw new PayloadTooLargeException("inputs", "holds more than the " + MAX_PREDICT_VALUES + " values one request may send; split the rows");
                        }
                        if (t.isStructStart()) p.skipChildren();
                        boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
                        double v = number ? p.getDoubleValue() : Double.NaN;
                        if (!Double.isFinite(v) && !bad) {
                            bad = true;
                            if (errors.size() < 10) errors.add(new FieldError("inputs[" + i + "][" + f + "]", "must be a finite number"));
                        }
                        if (f < features) row[f] = v;
                        f++;
                    }
                    if (f != features && errors.size() < 10) {
                        errors.add(new FieldError("inputs[" + i + "]", "must have " + features + " numbers (the network's input size), has " + f));
                    }
                }
            }
            if (p.nextToken() != null) throw new ValidationException("body", "unexpected content after the JSON object");
        }
        if (!seen || rows.isEmpty()) {
            throw new ValidationException("inputs", "give a non-empty list of input rows, e.g. {\"inputs\": [[0.1, 0.2, ...]]}");
        }
        if (!errors.isEmpty()) throw new ValidationException(errors);
        return rows;
    }

    /**
     * Runs a call that loads a network and computes with it, at most {@code cores} at a time; a caller
     * that waits more than a few seconds for a turn gets 429.
     */
    private <T> T heavy(java.util.function.Supplier<T> call) {
        boolean got;
        try {
            got = heavyCalls.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) throw new TooManyRequestsException("too many weights and predict requests at once; retry shortly", 2);
        try {
            return call.get();
        } finally {
            heavyCalls.release();
        }
    }

    private CheckpointStore.Checkpoint checkpoint(Job job) {
        try {
            return store.cachedCheckpoint(job.id(), job.spec()).orElseThrow(() -> new NotFoundException(
                    "job " + job.id() + " has no weights" + (job.status().isFinal() ? "" : " yet: they appear when its first epoch ends")
                            + " (status " + job.status() + ")"));
        } catch (WeightsStore.CorruptCheckpointException e) {
            throw new ConflictException(e.getMessage());
        }
    }

    private static Map<String, Object> jsonWeights(Job job, CheckpointStore.Checkpoint cp) {
        Network net = cp.network();
        List<double[][]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l < net.depth(); l++) {
            int rows = net.size(l + 1);
            int cols = net.size(l);
            double[] w = net.weight(l).data;
            double[][] m = new double[rows][cols];
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m[r][c] = w[c * rows + r];
            weights.add(m);
            biases.add(net.bias(l).data.clone());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobId", job.id());
        out.put("epoch", cp.epoch());
        out.put("layers", net.sizes());
        out.put("activation", job.spec().activation());
        out.put("outputActivation", net.outputActivation().name());
        out.put("weights", weights);
        out.put("biases", biases);
        return out;
    }
}
