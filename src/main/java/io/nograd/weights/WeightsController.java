package io.nograd.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.nograd.jobs.CheckpointStore;
import io.nograd.jobs.Job;
import io.nograd.jobs.JobService;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.system.FieldError;
import io.nograd.system.NotFoundException;
import io.nograd.system.ValidationException;
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

    /** {@code {"inputs": [[...], ...]}}: one row per sample, each with the network's input size. */
    public record PredictRequest(List<List<Double>> inputs) {
    }

    @PostMapping("/jobs/{id}/predict")
    public Map<String, Object> predict(@PathVariable String id, @RequestBody PredictRequest request) {
        Job job = jobs.get(id);
        List<List<Double>> inputs = request == null ? null : request.inputs();
        if (inputs == null || inputs.isEmpty()) {
            throw new ValidationException("inputs", "give a non-empty list of input rows, e.g. {\"inputs\": [[0.1, 0.2, ...]]}");
        }
        if (inputs.size() > MAX_PREDICT_ROWS) {
            throw new ValidationException("inputs", "has " + inputs.size() + " rows; at most " + MAX_PREDICT_ROWS + " per request");
        }
        int features = job.spec().layers().get(0);
        if ((long) inputs.size() * features > MAX_PREDICT_VALUES) {
            throw new ValidationException("inputs", inputs.size() + " rows of " + features + " values exceed the " + MAX_PREDICT_VALUES
                    + " values one request may send; split them into smaller requests");
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < inputs.size() && errors.size() < 10; i++) {
            List<Double> row = inputs.get(i);
            if (row == null || row.size() != features) {
                errors.add(new FieldError("inputs[" + i + "]", "must have " + features + " numbers (the network's input size), has "
                        + (row == null ? "none" : row.size())));
                continue;
            }
            for (int f = 0; f < features; f++) {
                Double v = row.get(f);
                if (v == null || !Double.isFinite(v)) {
                    errors.add(new FieldError("inputs[" + i + "][" + f + "]", "must be a finite number"));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) throw new ValidationException(errors);
        Network net = checkpoint(job).network();
        int n = inputs.size();
        var x = Ops.make(features, n);
        for (int j = 0; j < n; j++) {
            List<Double> row = inputs.get(j);
            for (int f = 0; f < features; f++) x.data[j * features + f] = row.get(f);
        }
        var out = new ForwardPass(net.sizes(), n).run(net, x);
        int outputs = net.outputs();
        List<double[]> rows = new ArrayList<>(n);
        List<Integer> classes = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            double[] row = new double[outputs];
            System.arraycopy(out.data, j * outputs, row, 0, outputs);
            rows.add(row);
            classes.add(Ops.argmaxColumn(out, j));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outputs", rows);
        if (!"autoencoder".equals(job.spec().task())) body.put("classes", classes);
        body.put("epoch", job.epochsDone());
        return body;
    }

    private CheckpointStore.Checkpoint checkpoint(Job job) {
        return store.readCheckpoint(job.id(), job.spec()).orElseThrow(() -> new NotFoundException(
                "job " + job.id() + " has no weights yet: they appear when its first epoch ends (status " + job.status() + ")"));
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
