package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import tools.jackson.databind.JsonNode;

/**
 * Kill -9 during a 3-job queue: the server runs as a child JVM on a temporary data dir, is killed with
 * SIGKILL while the first job trains and two wait, and is started again on the same dir. All three must
 * end SUCCEEDED with epochs 1..N exactly once, the first one resumed from its checkpoint.
 */
class RestartTest {

    static final int EPOCHS = 8;

    @Test
    void aKilledServerLosesNothing() throws Exception {
        Path dir = Files.createTempDirectory("nograd-restart-");
        Process server = start(dir);
        List<String> ids = new ArrayList<>();
        try {
            Api api = await(server, dir);
            for (int i = 0; i < 3; i++) {
                ids.add(api.submit(Map.of("name", "restart " + i, "algorithm", "adam", "dataset", "blobs", "layers", List.of(20, 256, 256, 4),
                        "epochs", EPOCHS, "batchSize", 8, "trainLimit", 800, "seed", 10 + i, "params", Map.of("lr", 0.001))));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            int done = 0;
            while (System.nanoTime() < deadline && done < 2) {
                done = api.getJson("/jobs/" + ids.get(0)).get("epochsDone").asInt();
                Api.sleep(20);
            }
            assertTrue(done >= 2 && done < EPOCHS, "killed mid-run, after " + done + " epochs");
            assertEquals("QUEUED", api.getJson("/jobs/" + ids.get(2)).get("status").asString());
        } finally {
            server.destroyForcibly().waitFor();
        }

        server = start(dir);
        try {
            Api api = await(server, dir);
            for (String id : ids) {
                JsonNode job = api.awaitFinal(id, Duration.ofMinutes(4));
                assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
                assertEquals(EPOCHS, job.get("epochsDone").asInt());
                List<Integer> epochs = new ArrayList<>();
                for (JsonNode row : api.getJson("/jobs/" + id + "/metrics")) epochs.add(row.get("epoch").asInt());
                assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), epochs, "epochs of " + id);
            }
            JsonNode first = api.getJson("/jobs/" + ids.get(0));
            assertEquals(2, first.get("attempt").asInt());
            String history = first.get("history").toString();
            assertTrue(history.contains("server stopped while it was running") && history.contains("resumed from the checkpoint of epoch"), history);
            assertEquals(200, api.get("/jobs/" + ids.get(0) + "/weights?format=safetensors").statusCode());
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static Process start(Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("port"), Integer.toString(port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.nograd.NogradApplication",
                "--server.port=" + port, "--nograd.data-dir=" + dir, "--nograd.jobs.queue-capacity=5", "--spring.main.banner-mode=off");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "server.log")));
        return pb.start();
    }

    private static Api await(Process server, Path dir) throws IOException {
        Api api = new Api("http://127.0.0.1:" + Files.readString(dir.resolve("port")), null);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new AssertionError("server exited: " + Files.readString(dir.resolve("server.log")));
            try {
                if (api.get("/actuator/health").statusCode() == 200) return api;
            } catch (IllegalStateException e) {
                Api.sleep(200);
            }
        }
        throw new AssertionError("server did not start: " + Files.readString(dir.resolve("server.log")));
    }
}
