package io.nograd.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.nograd.jobs.JobService;
import io.nograd.system.Api;

/**
 * The checkpoint's size does not grow with the epochs (it carries only its own epoch's row), and the
 * weights and predict endpoints parse a checkpoint once per epoch, not once per call.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CheckpointTest {

    static Path dataDir;

    @LocalServerPort
    int port;

    @Autowired
    WeightsStore store;

    @Autowired
    JobService jobs;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("nograd-checkpoint-");
        registry.add("nograd.data-dir", dataDir::toString);
    }

    static long headerLength(Path file) throws Exception {
        byte[] first = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertEquals(8, in.read(first));
        }
        return ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void theCheckpointDoesNotGrowWithTheEpochsAndIsParsedOncePerEpoch() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port, null);
        String one = api.submit(Map.of("algorithm", "sgd", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 1, "trainLimit", 50));
        String many = api.submit(Map.of("algorithm", "sgd", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 60, "trainLimit", 50));
        api.awaitFinal(one, Duration.ofMinutes(1));
        api.awaitFinal(many, Duration.ofMinutes(2));
        long h1 = headerLength(dataDir.resolve("artifacts").resolve(one).resolve("checkpoint.safetensors"));
        long h60 = headerLength(dataDir.resolve("artifacts").resolve(many).resolve("checkpoint.safetensors"));
        assertTrue(h60 < h1 + 200, "header after 60 epochs " + h60 + " bytes, after 1 epoch " + h1);

        var spec = jobs.get(many).spec();
        var first = store.cachedCheckpoint(many, spec).orElseThrow();
        assertSame(first, store.cachedCheckpoint(many, spec).orElseThrow(), "an unchanged checkpoint is parsed once");
        assertEquals(200, api.post("/jobs/" + many + "/predict", Map.of("inputs", List.of(List.of(0.1, 0.2)))).statusCode());
        assertSame(first, store.cachedCheckpoint(many, spec).orElseThrow());
        Path file = dataDir.resolve("artifacts").resolve(many).resolve("checkpoint.safetensors");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertNotSame(first, store.cachedCheckpoint(many, spec).orElseThrow(), "a rewritten checkpoint is read again");
    }
}
