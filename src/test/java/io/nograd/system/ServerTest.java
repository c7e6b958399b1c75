package io.nograd.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the server tests: the real application on a random port with a fresh H2 file in a temporary
 * data dir, no token, a queue of 5 places, a live keep-alive every 250 ms. Every subclass shares the one Spring context (same
 * configuration), so the server starts once per test run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"nograd.jobs.queue-capacity=5", "nograd.jobs.concurrency=1", "nograd.live.keep-alive=250ms"})
public abstract class ServerTest {

    static final Path DATA = tempDir();

    @LocalServerPort
    protected int port;

    protected Api api;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nograd.data-dir", DATA::toString);
    }

    @BeforeEach
    void client() {
        api = new Api("http://127.0.0.1:" + port, null);
    }

    /** A small Adam job on the spirals set (2 features, 2 classes). */
    protected static Map<String, Object> spirals(int epochs) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "test spirals");
        spec.put("algorithm", "adam");
        spec.put("dataset", "spirals");
        spec.put("layers", List.of(2, 32, 32, 2));
        spec.put("activation", "tanh");
        spec.put("loss", "cross-entropy");
        spec.put("epochs", epochs);
        spec.put("batchSize", 32);
        spec.put("seed", 3);
        spec.put("params", Map.of("lr", 0.01));
        return spec;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("nograd-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
