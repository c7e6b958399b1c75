package io.nograd.apidoc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;

/**
 * The OpenAPI 3.1 description springdoc serves at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}),
 * committed as {@code docs/openapi.json} and checked against the served one by {@code OpenApiDocTest}.
 * springdoc derives most of it from the controllers; this adds what their signatures cannot say: the
 * raw-body {@code POST /jobs} reads a JobSpec and {@code POST /sweeps} a SweepRequest, the multipart CSV upload, the
 * 201s of the creating POSTs, the metrics' CSV, the SSE stream, the three weight formats,
 * the predict answer, the parameter list of {@code GET /algorithms}, and the problem+json of every 4xx.
 * Kept here rather than as annotations on the controllers so the features carry no documentation library.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {

    static final String REF = "#/components/schemas/";

    /** Static: a bean factory post-processor must not need this configuration's instance (which it makes lazy). */
    @Bean
    public static LazyApiDocs lazyApiDocs() {
        return new LazyApiDocs();
    }

    @Bean
    public OpenAPI nogradOpenApi() {
        return new OpenAPI()
                .info(new Info().title("nograd").version("1")
                        .description("Training server for fully-connected networks trained without back-propagated gradients. "
                                + "Live feed also over WebSocket at /ws and /ws?job={id} (not described here). "
                                + "Errors are application/problem+json with errors: [{field, message}].")
                        .license(new License().name("see the repository")))
                // A fixed, relative server: the description is the same on every host and port.
                .servers(List.of(new Server().url("/")))
                .components(new Components().addSecuritySchemes("token", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("Only when the server sets nograd.security.token; ?token= works too (WebSocket, EventSource)")))
                .addSecurityItem(new SecurityRequirement().addList("token"));
    }

    @Bean
    public OpenApiCustomizer nogradSchemas() {
        return api -> {
            Components c = api.getComponents();
            add(c, JobSpec.class);
            add(c, EpochMetrics.class);
            c.addSchemas("Problem", problem());
            c.addSchemas("ParamInfo", paramInfo());
            c.addSchemas("Prediction", prediction());

            // What the records' types cannot say: which fields are always there, which may be null.
            shape(c, "JobSpec", List.of("algorithm", "dataset", "layers"),
                    List.of("name", "task", "activation", "activationParams", "loss", "epochs", "batchSize", "trainLimit", "seed", "params", "init"));
            shape(c, "InitSpec", List.of(), List.of("kind", "scale", "bias"));
            shape(c, "Job", List.of("id", "name", "status", "spec", "createdAt", "startedAt", "finishedAt", "epochsDone",
                    "queuePosition", "latest", "error", "attempt"), List.of("startedAt", "finishedAt", "queuePosition", "latest", "error"));
            shape(c, "HistoryEntry", List.of("at", "message"), List.of());
            shape(c, "JobPage", List.of("jobs", "total", "limit", "offset"), List.of());
            shape(c, "EpochMetrics", List.of("epoch", "epochs", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "seconds", "objective"),
                    List.of("trainAccuracy", "testAccuracy", "objective", "diagnostics"));
            shape(c, "DatasetInfo", List.of("name", "features", "classes", "trainSize", "testSize", "available", "source"), List.of("reason"));
            shape(c, "Algorithm", List.of("name", "title", "paper", "activations", "losses", "defaultBatchSize", "params"), List.of());
            c.addSchemas("PredictRequest", predictRequest());
            c.getSchemas().remove("SseEmitter");

            Schema<?> algorithm = c.getSchemas().get("Algorithm");
            if (algorithm != null && algorithm.getProperties() != null) {
                algorithm.getProperties().put("params", new ArraySchema().items(ref("ParamInfo")));
            }

            Operation create = op(api, "/jobs", PathItem.HttpMethod.POST);
            if (create != null) {
                jsonBody(create, "JobSpec", "A JobSpec, sent as application/json (or with no Content-Type; other types are a 415), at most "
                        + "1 MiB (413), parsed strictly: unknown fields, \"10\" for a number and trailing garbage are 400s naming the field.");
                created(create, "created; Location: /jobs/{id}", ref("Job"));
            }
            c.addSchemas("SweepRequest", sweepRequest());
            Operation sweep = op(api, "/sweeps", PathItem.HttpMethod.POST);
            if (sweep != null) {
                jsonBody(sweep, "SweepRequest", "A SweepRequest as JSON, at most 1 MiB (413), parsed strictly like a JobSpec; every cell is "
                        + "validated as a job before any is queued, a bad one a 400 naming the cell's field.");
                created(sweep, "created; Location: /sweeps/{id}; its cells are released as maxConcurrent allows", ref("Sweep"));
            }
            Operation run = op(api, "/reproductions/{id}/runs", PathItem.HttpMethod.POST);
            if (run != null) created(run, "the run, started as a sweep; Location: /sweeps/{id}", ref("Sweep"));
            Operation upload = op(api, "/datasets", PathItem.HttpMethod.POST);
            if (upload != null) {
                // The form's fields, not query parameters (Spring reads either; the form is what clients send).
                if (upload.getParameters() != null) {
                    upload.getParameters().removeIf(p -> "query".equals(p.getIn()));
                    if (upload.getParameters().isEmpty()) upload.setParameters(null);
                }
                Schema<?> form = new ObjectSchema()
                        .addProperty("file", new BinarySchema().description("the CSV: a header row, numeric feature columns and a label column"))
                        .addProperty("name", new StringSchema().description("the dataset's name; default: the file's name without .csv"))
                        .addProperty("labelColumn", new StringSchema().description("the label column's header; default: the last column"))
                        .addProperty("testFraction", new NumberSchema()._default(java.math.BigDecimal.valueOf(0.2)).description("the share of rows held out for testing, in [0, 0.9]"));
                form.setRequired(List.of("file"));
                upload.requestBody(new RequestBody().required(true)
                        .content(new Content().addMediaType("multipart/form-data", new MediaType().schema(form))));
                created(upload, "uploaded; Location: /datasets/{name}", ref("DatasetInfo"));
            }
            Operation metrics = op(api, "/jobs/{id}/metrics", PathItem.HttpMethod.GET);
            if (metrics != null) {
                ok(metrics, "200", "the epoch rows", new Content()
                        .addMediaType("application/json", new MediaType().schema(new ArraySchema().items(ref("EpochMetrics"))))
                        .addMediaType("text/csv", new MediaType().schema(new StringSchema()
                                .description("epoch,epochs,trainLoss,trainAccuracy,testLoss,testAccuracy,seconds,objective"))));
            }
            Operation events = op(api, "/jobs/{id}/events", PathItem.HttpMethod.GET);
            if (events != null) {
                ok(events, "200", "Server-Sent Events: `event: epoch` (data: an EpochMetrics row with type and jobId; `id:` the epoch) "
                        + "and `event: status` (data: {type, jobId, status, error}); closes after the final status. "
                        + "Last-Event-ID: n skips epochs up to n.", new Content()
                        .addMediaType("text/event-stream", new MediaType().schema(new StringSchema())));
            }
            Operation weights = op(api, "/jobs/{id}/weights", PathItem.HttpMethod.GET);
            if (weights != null) {
                ok(weights, "200", "the latest weights (ETag = SHA-256 of the body); tensors layers.{2l}.weight (out × in) "
                        + "and layers.{2l}.bias, float32", new Content()
                        .addMediaType("application/octet-stream", new MediaType().schema(new BinarySchema().description("format=safetensors")))
                        .addMediaType("application/zip", new MediaType().schema(new BinarySchema().description("format=npz")))
                        .addMediaType("application/json", new MediaType().schema(new ObjectSchema().description("format=json"))));
                weights.getResponses().addApiResponse("304", new ApiResponse().description("If-None-Match matched the ETag"));
            }
            Operation predict = op(api, "/jobs/{id}/predict", PathItem.HttpMethod.POST);
            if (predict != null) {
                jsonBody(predict, "PredictRequest", "application/json, at most 96 MiB, 10 000 rows, 4 000 000 values and 50 000 000 rows × units (413 beyond)");
                ok(predict, "200", "the network's outputs", json(ref("Prediction")));
            }

            // Every operation: a 4xx is problem+json naming the field and the fix.
            api.getPaths().values().forEach(item -> item.readOperations().forEach(o -> {
                if (o.getResponses() == null) o.setResponses(new ApiResponses());
                o.getResponses().addApiResponse("4XX", new ApiResponse()
                        .description("bad input (400, naming the field), no token (401), unknown id (404), conflict (409), full queue (429)")
                        .content(new Content().addMediaType("application/problem+json", new MediaType().schema(ref("Problem")))));
            }));
        };
    }

    /**
     * SweepRequest, written out: its records hold Jackson trees (the base, grid values), which the model resolver
     * cannot introspect. OpenApiDocTest checks that the properties are the record's components.
     */
    private static Schema<?> sweepRequest() {
        Schema<?> values = new ArraySchema().items(new Schema<>());
        Schema<?> grid = new ObjectSchema().additionalProperties(values)
                .description("spec path (params.lr, batchSize, activation, layers, init.scale, …) → the values to try; the cells are every combination");
        Schema<?> pair = new ArraySchema().items(new NumberSchema()).minItems(2).maxItems(2);
        Schema<?> distribution = new ObjectSchema().description("exactly one of uniform, logUniform, intUniform: [a, b], or choice: [...]")
                .addProperty("uniform", pair)
                .addProperty("logUniform", pair)
                .addProperty("intUniform", new ArraySchema().items(new IntegerSchema()).minItems(2).maxItems(2))
                .addProperty("choice", values);
        Schema<?> random = new ObjectSchema().description("seeded random draws, instead of or beside the grid (each grid point × each draw)")
                .addProperty("n", new IntegerSchema().description("how many points to draw"))
                .addProperty("seed", new IntegerSchema().format("int64").description("seeds the draws (default 0)"))
                .addProperty("space", new ObjectSchema().additionalProperties(distribution).description("spec path → its distribution"));
        Schema<?> value = new ObjectSchema()
                .addProperty("coordinates", new ObjectSchema().additionalProperties(new Schema<>())
                        .description("swept path → value; the figure belongs to every configuration whose coordinates include these"))
                .addProperty("metric", new StringSchema().description("testAccuracy (default), trainAccuracy, testLoss, trainLoss or objective"))
                .addProperty("value", new NumberSchema().description("the reported figure, in the metric's unit (accuracy as a fraction)"))
                .addProperty("source", new StringSchema().description("where it is printed, e.g. Table 4, LPOM row"));
        Schema<?> reference = new ObjectSchema().description("figures to compare with, e.g. a paper's table: the table shows them beside the sweep's own")
                .addProperty("label", new StringSchema())
                .addProperty("tolerance", new NumberSchema().description("|ours − reference| above this is flagged (default 0.01)"))
                .addProperty("values", new ArraySchema().items(value).maxItems(1000));
        Schema<?> s = new ObjectSchema().description("A base JobSpec and the values to sweep, by the path of the spec's field")
                .addProperty("name", new StringSchema())
                .addProperty("base", ref("JobSpec").description("a JobSpec as for POST /jobs; every cell is it with the cell's coordinates set"))
                .addProperty("grid", grid)
                .addProperty("grids", new ArraySchema().items(grid).description("instead of grid: several grids, the cells the union of their combinations"))
                .addProperty("random", random)
                .addProperty("seeds", new ArraySchema().items(new IntegerSchema().format("int64"))
                        .description("the seed of every configuration's repeats; default: the base's seed"))
                .addProperty("maxConcurrent", new IntegerSchema().description("cells queued or running at once"))
                .addProperty("prune", ref("Prune").description("early stopping of cells at epoch boundaries; absent for none"))
                .addProperty("shuffle", new IntegerSchema().format("int64")
                        .description("when set, cells are released in an order shuffled by this seed instead of the grid's order"))
                .addProperty("reference", reference);
        s.setRequired(List.of("base"));
        return s;
    }

    /** Marks {@code required} properties and lets the {@code nullable} ones be JSON null (OpenAPI 3.1 style). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void shape(Components c, String name, List<String> required, List<String> nullable) {
        Schema<?> s = c.getSchemas().get(name);
        if (s == null || s.getProperties() == null) return;
        if (!required.isEmpty()) s.setRequired(required.stream().filter(s.getProperties()::containsKey).toList());
        for (String p : nullable) {
            Schema prop = s.getProperties().get(p);
            if (prop == null) continue;
            if (prop.get$ref() != null) {
                s.getProperties().put(p, new Schema<>().anyOf(List.of(new Schema<>().$ref(prop.get$ref()), nullSchema())));
            } else {
                Set<String> types = new LinkedHashSet<>(prop.getTypes() != null ? prop.getTypes()
                        : prop.getType() != null ? Set.of(prop.getType()) : Set.of());
                types.add("null");
                prop.setTypes(types);
            }
        }
    }

    private static Schema<?> nullable(Schema<?> s) {
        s.setTypes(new LinkedHashSet<>(List.of(s.getType(), "null")));
        return s;
    }

    private static Schema<?> nullSchema() {
        Schema<?> n = new Schema<>();
        n.setTypes(Set.of("null"));
        return n;
    }

    private static void add(Components c, Class<?> type) {
        ResolvedSchema r = ModelConverters.getInstance(true).resolveAsResolvedSchema(new AnnotatedType(type).resolveAsRef(false));
        if (r == null || r.schema == null) return;
        c.addSchemas(type.getSimpleName(), r.schema);
        if (r.referencedSchemas != null) r.referencedSchemas.forEach(c::addSchemas);
    }

    private static Operation op(OpenAPI api, String path, PathItem.HttpMethod method) {
        PathItem item = api.getPaths() == null ? null : api.getPaths().get(path);
        return item == null ? null : item.readOperationsMap().get(method);
    }

    /** A required JSON request body of the named schema. */
    private static void jsonBody(Operation o, String schema, String description) {
        o.requestBody(new RequestBody().required(true).description(description)
                .content(new Content().addMediaType("application/json", new MediaType().schema(ref(schema)))));
    }

    /** A creating POST answers 201 (with Location), not the 200 springdoc assumes. */
    private static void created(Operation o, String description, Schema<?> body) {
        ok(o, "201", description, json(body));
        o.getResponses().remove("200");
    }

    private static void ok(Operation o, String code, String description, Content content) {
        if (o.getResponses() == null) o.setResponses(new ApiResponses());
        o.getResponses().addApiResponse(code, new ApiResponse().description(description).content(content));
    }

    private static Content json(Schema<?> schema) {
        return new Content().addMediaType("application/json", new MediaType().schema(schema));
    }

    @SuppressWarnings("rawtypes")
    private static Schema ref(String name) {
        return new Schema<>().$ref(REF + name);
    }

    private static Schema<?> problem() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema().description("the request field, e.g. layers[0], params.mu, Authorization"))
                .addProperty("message", new StringSchema().description("what is wrong and how to fix it"));
        fieldError.setRequired(List.of("field", "message"));
        return new ObjectSchema().description("RFC 9457 problem details with the fields at fault")
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("errors", new ArraySchema().items(fieldError));
    }

    private static Schema<?> paramInfo() {
        Schema<?> s = new ObjectSchema().description("One solver parameter: its type, default, bounds and meaning")
                .addProperty("name", new StringSchema())
                .addProperty("type", new StringSchema().description("number, integer, boolean, choice or numbers"))
                .addProperty("default", new Schema<>().description("the value used when the spec omits it"))
                .addProperty("min", nullable(new NumberSchema()))
                .addProperty("max", nullable(new NumberSchema()))
                .addProperty("description", new StringSchema())
                .addProperty("choices", new ArraySchema().items(new StringSchema()))
                .addProperty("noEffectWhen", new ArraySchema().items(new ObjectSchema()
                        .additionalProperties(new ArraySchema().items(new Schema<>())))
                        .description("the settings in which this parameter has no effect (it is still accepted): each entry one "
                                + "situation, mapping another parameter's name (or loss) to the values that make it; the situation holds "
                                + "when every entry does. Empty when the parameter always acts."));
        s.setRequired(List.of("name", "type", "default", "min", "max", "description", "noEffectWhen"));
        return s;
    }

    private static Schema<?> predictRequest() {
        Schema<?> s = new ObjectSchema().addProperty("inputs", new ArraySchema().items(new ArraySchema().items(new NumberSchema()))
                .description("one row per sample, each with the network's input size"));
        s.setRequired(List.of("inputs"));
        return s;
    }

    private static Schema<?> prediction() {
        Schema<?> s = new ObjectSchema()
                .addProperty("outputs", new ArraySchema().items(new ArraySchema().items(new NumberSchema()))
                        .description("one row per input: the network's outputs (logits for cross-entropy)"))
                .addProperty("classes", new ArraySchema().items(new IntegerSchema()).description("argmax of each row; absent for autoencoders"))
                .addProperty("epoch", new IntegerSchema().description("the epoch whose weights answered"));
        s.setRequired(List.of("outputs", "epoch"));
        return s;
    }
}
