package io.nograd.reproductions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/**
 * Every preset runs at {@code quick} scale through one {@code POST /reproductions/{id}/runs} against the real
 * server, and its table prints the paper's figures beside ours. The server's MNIST is a small copy (the first
 * 1 000 training and 300 test images of the installed set, gzipped, so the SHA-256 check of the originals does
 * not apply), which keeps the whole class to a few minutes on two busy cores.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"nograd.jobs.queue-capacity=8", "nograd.jobs.concurrency=1"})
class ReproductionsTest {

    static final Path DATA = temp("nograd-repro-");
    static final Path MNIST = smallMnist(temp("nograd-small-mnist-"), 1000, 300);

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void dirs(DynamicPropertyRegistry registry) {
        registry.add("nograd.data-dir", DATA::toString);
        registry.add("nograd.datasets.mnist-dir", MNIST::toString);
    }

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, null);
    }

    static Stream<String> ids() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/reproductions"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).map(n -> n.substring(0, n.length() - 5))
                    .sorted().toList().stream();
        }
    }

    @Test
    void theCatalogueNamesEveryPresetWithItsSettingFiguresAndScales() throws IOException {
        JsonNode list = api.getJson("/reproductions").get("reproductions");
        Set<String> ids = new HashSet<>();
        list.forEach(r -> ids.add(r.get("id").asString()));
        assertEquals(new HashSet<>(ids().toList()), ids);
        JsonNode t4 = null, t6 = null, ip = null;
        for (JsonNode r : list) {
            if (r.get("id").asString().equals("lpom-table4")) t4 = r;
            if (r.get("id").asString().equals("lpom-table6")) t6 = r;
            if (r.get("id").asString().equals("ipdlam-table1")) ip = r;
            assertFalse(r.get("setting").asString().isBlank());
            assertEquals("paper", r.get("scales").get(0).get("scale").asString());
            assertEquals("quick", r.get("scales").get(1).get("scale").asString());
            assertTrue(r.get("file").asString().startsWith("src/main/resources/reproductions/"));
        }
        assertNotNull(t4);
        assertEquals("Table 4", t4.get("figure").asString());
        JsonNode first = t4.get("figures").get(0);
        assertEquals("97.8%", first.get("printed").asString());
        assertEquals(0.978, first.get("value").asDouble(), 1e-12);
        assertEquals(List.of(784, 300, 10), Api.JSON.treeToValue(first.get("coordinates").get("layers"), List.class));
        JsonNode paper = t4.get("scales").get(0);
        assertEquals(5, paper.get("cells").asInt());
        assertEquals(17, paper.get("sweep").get("base").get("epochs").asInt());
        assertEquals(100, paper.get("sweep").get("base").get("batchSize").asInt());
        assertEquals("mnist", paper.get("dataset").asString());
        // Table 6: 36 cells in each order with the paper's one μ, and the 6 sigmoid cells with the default μ per layer
        assertEquals(78, t6.get("scales").get(0).get("cells").asInt());
        // iPDLAM Table 1: the three faithful α cells, α = 0.7 in full batch beside them, and Zeng's BCD
        assertEquals(5, ip.get("scales").get(0).get("cells").asInt());
    }

    @ParameterizedTest
    @MethodSource("ids")
    void runsAtQuickScaleAndTablesThePapersFiguresBesideOurs(String id) {
        HttpResponse<byte[]> r = api.post("/reproductions/" + id + "/runs?scale=quick", "");
        assertEquals(201, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        JsonNode sweep = Api.json(r);
        String sweepId = sweep.get("id").asString();
        assertEquals("/sweeps/" + sweepId, r.headers().firstValue("Location").orElseThrow());
        assertTrue(sweep.get("name").asString().matches(".*" + java.util.regex.Pattern.quote(id) + " v\\d+ \\(quick\\).*"), sweep.get("name").asString());
        JsonNode done = api.awaitSweep(sweepId, Duration.ofMinutes(4));
        assertEquals("DONE", done.get("status").asString(), done.toString());
        for (JsonNode c : done.get("cells")) assertEquals("SUCCEEDED", c.get("status").asString(), c.toString());

        JsonNode preset = api.getJson("/reproductions/" + id);
        assertEquals(sweepId, preset.get("runs").get(0).get("sweepId").asString());
        List<String> metrics = new ArrayList<>();
        preset.get("figures").forEach(f -> { if (!metrics.contains(f.get("metric").asString())) metrics.add(f.get("metric").asString()); });
        if (metrics.isEmpty()) metrics.add("testAccuracy");
        int compared = 0;
        for (String metric : metrics) {
            JsonNode t = api.getJson("/sweeps/" + sweepId + "/table?metric=" + metric);
            assertEquals("configuration", t.get("rows").asString());
            JsonNode cmp = t.get("comparison");
            assertNotNull(cmp, "the table carries the paper's figures");
            assertEquals(preset.get("figures").isEmpty() ? List.of() : metrics, Api.JSON.treeToValue(cmp.get("metrics"), List.class));
            for (int i = 0; i < t.get("values").size(); i++) {
                JsonNode ours = t.get("values").get(i).get(0);
                assertTrue(ours.get("mean").isNumber(), "every configuration has our value: " + t.get("rowValues").get(i));
                JsonNode paper = cmp.get("cells").get(i).get(0);
                if (paper.isNull()) continue;
                compared++;
                double delta = ours.get("mean").asDouble() - paper.get("reference").asDouble();
                assertEquals(delta, paper.get("delta").asDouble(), 1e-9);
                String bound = paper.get("bound").isNull() ? "" : paper.get("bound").asString();
                boolean missed = switch (bound) {
                    case "at-least" -> delta < -0.01;
                    case "at-most" -> delta > 0.01;
                    default -> Math.abs(delta) > 0.01;
                };
                assertEquals(missed, paper.get("flagged").asBoolean(), bound + " " + paper);
                assertEquals(paper.get("source").asString().contains("(printed ≥"), bound.equals("at-least"), "a printed \"≥\" is a lower bound: " + paper);
                assertTrue(paper.get("source").asString().contains("printed"));
            }
            String md = new String(api.get("/sweeps/" + sweepId + "/table?format=md&metric=" + metric).body(), StandardCharsets.UTF_8);
            assertTrue(md.startsWith("| configuration | reference | ours | Δ (points) |"), md);
        }
        if (!preset.get("figures").isEmpty()) assertTrue(compared > 0, id + ": at least one of the paper's figures sits beside ours");
    }

    @Test
    void badInputIsA4xxNamingTheField() {
        long before = api.getJson("/sweeps").get("total").asLong();
        HttpResponse<byte[]> unknown = api.post("/reproductions/lpom-table99/runs?scale=quick", "");
        assertEquals(404, unknown.statusCode());
        String body = new String(unknown.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("lpom-table99") && body.contains("lpom-table4"), body);
        assertEquals(404, api.get("/reproductions/nope").statusCode());

        HttpResponse<byte[]> scale = api.post("/reproductions/lpom-table4/runs?scale=huge", "");
        assertEquals(400, scale.statusCode());
        JsonNode problem = Api.json(scale);
        assertEquals("scale", problem.get("errors").get(0).get("field").asString());
        assertTrue(problem.get("errors").get(0).get("message").asString().contains("quick"));

        HttpResponse<byte[]> seeds = api.post("/reproductions/lpom-table4/runs?scale=quick&seeds=1,x", "");
        assertEquals(400, seeds.statusCode());
        assertEquals("seeds", Api.json(seeds).get("errors").get(0).get("field").asString());
        assertEquals(before, api.getJson("/sweeps").get("total").asLong(), "no sweep was started by a refused request");
    }

    /** The first {@code train} and {@code test} images and labels of the installed MNIST, as gzipped IDX files. */
    static Path smallMnist(Path dir, int train, int test) {
        Path src = Path.of("/usr/local/share/datasets/mnist");
        try {
            copy(src.resolve("train-images-idx3-ubyte"), dir.resolve("train-images-idx3-ubyte.gz"), train);
            copy(src.resolve("train-labels-idx1-ubyte"), dir.resolve("train-labels-idx1-ubyte.gz"), train);
            copy(src.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-images-idx3-ubyte.gz"), test);
            copy(src.resolve("t10k-labels-idx1-ubyte"), dir.resolve("t10k-labels-idx1-ubyte.gz"), test);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** An IDX file cut to its first {@code n} items: same magic, count n, the other dimensions unchanged. */
    private static void copy(Path from, Path to, int n) throws IOException {
        try (InputStream raw = Files.newInputStream(from); DataInputStream in = new DataInputStream(raw);
             OutputStream file = Files.newOutputStream(to); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(file))) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            in.readInt();
            out.writeInt(magic);
            out.writeInt(n);
            int itemBytes = 1;
            for (int d = 1; d < dims; d++) {
                int size = in.readInt();
                out.writeInt(size);
                itemBytes *= size;
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            buf.write(in.readNBytes(itemBytes * n));
            buf.writeTo(out);
        }
    }

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
