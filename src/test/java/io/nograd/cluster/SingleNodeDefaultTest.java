package io.nograd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.util.ClassUtils;

import io.nograd.system.Api;

/**
 * Without settings a node stays alone, also with a {@code hazelcast.yaml} in its working directory that
 * asks for a member: the server starts on H2, no Hazelcast member listens on the file's port, there is no
 * {@code GET /cluster}, and jobs run as ever. What it loads stays lean (the start-up bound of
 * bench/results/cluster.md): no Hazelcast class at all, and no Jackson 2 mapper until the API description
 * is first asked for.
 */
class SingleNodeDefaultTest {

    /** Loaded when a Jackson 2 ObjectMapper is constructed (springdoc's, or one of Spring's converters'). */
    static final String JACKSON_2_MAPPER = " com.fasterxml.jackson.databind.SerializationConfig ";

    @Test
    void aStrayHazelcastYamlStartsNoMember() throws Exception {
        assertFalse(ClassUtils.isPresent("org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration", null),
                "Spring Boot's Hazelcast auto-configuration is not on the class path");
        Path dir = Files.createTempDirectory("nograd-single-");
        int hzPort = Node.freePort();
        Files.writeString(dir.resolve("hazelcast.yaml"), """
                hazelcast:
                  cluster-name: stray
                  network:
                    port:
                      port: %d
                      auto-increment: false
                    join:
                      multicast:
                        enabled: false
                      tcp-ip:
                        enabled: true
                        member-list:
                          - 127.0.0.1:%d
                """.formatted(hzPort, hzPort));
        int port = Node.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path classes = dir.resolve("classes.log");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"), "io.nograd.NogradApplication",
                "--server.port=" + port, "--nograd.data-dir=" + dir.resolve("data"), "--spring.main.banner-mode=off").directory(dir.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "server.log")));
        Process server = pb.start();
        try {
            Api api = new Api("http://127.0.0.1:" + port, null);
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();   // a shared CI machine may be slow
            while (true) {
                assertTrue(server.isAlive() && System.nanoTime() < deadline, () -> "server up: " + log(dir));
                try {
                    if (api.get("/actuator/health").statusCode() == 200) break;
                } catch (IllegalStateException e) {
                    Api.sleep(200);
                }
            }
            String id = api.submit(Map.of("name", "alone", "algorithm", "sgd", "dataset", "blobs", "layers", List.of(20, 8, 4),
                    "epochs", 2, "trainLimit", 200));
            assertEquals("SUCCEEDED", api.awaitFinal(id, Duration.ofMinutes(1)).get("status").asString());
            assertFalse(api.getJson("/jobs/" + id).has("node"), "no node name on a single node");
            assertEquals(404, api.get("/cluster").statusCode());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", hzPort).close(), "nothing listens on the yaml's port");
            assertFalse(log(dir).contains("Hazelcast"), "no Hazelcast in the log");
            assertTrue(Files.exists(dir.resolve("data").resolve("nograd.mv.db")), "the history is H2 in the data dir");

            String loaded = Files.readString(classes);
            assertFalse(loaded.contains(" com.hazelcast."), "no Hazelcast class is loaded on a single node");
            assertFalse(loaded.contains(JACKSON_2_MAPPER), "no Jackson 2 mapper is built before the API description is asked for");
            var doc = api.get("/v3/api-docs");
            assertEquals(200, doc.statusCode());
            assertTrue(new String(doc.body(), StandardCharsets.UTF_8).contains("\"openapi\" : \"3.1.0\""));
            assertTrue(Files.readString(classes).contains(JACKSON_2_MAPPER), "springdoc built its mappers on the first request");
        } finally {
            server.destroy();
            server.waitFor();
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
