package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.nograd.system.Api;
import io.nograd.system.ChildServer;
import tools.jackson.databind.JsonNode;

/**
 * What an acknowledged write survives, and a full disk, against the server as a child JVM.
 * <ul>
 * <li>A {@code 201} from {@code POST /jobs} or {@code POST /datasets} has been committed to H2 (and the
 * upload's file forced to disk) before it is sent: a {@code kill -9} right after it loses neither. (H2 with
 * {@code WRITE_DELAY=0} writes each commit to the OS before answering but does not fsync it, so a power loss
 * or kernel crash in the following seconds can still lose the row; a process crash cannot.)</li>
 * <li>On a full disk (a 4 MiB tmpfs this test mounts) a job whose checkpoint does not fit ends FAILED
 * saying the disk is full, an upload is refused with 507, no temporary file is left, and once space is
 * freed the server trains again.</li>
 * </ul>
 */
class CrashAndDiskTest {

    static final String CSV = "x1,x2,label\n" + "0,0,a\n1,1,b\n".repeat(20);

    static byte[] form(String name, String csv) {
        return ("--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--b\r\nContent-Disposition: form-data; "
                + "name=\"file\"; filename=\"d.csv\"\r\n\r\n" + csv + "\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static final Map<String, String> MULTIPART = Map.of("Content-Type", "multipart/form-data; boundary=b");

    @Test
    void aKillRightAfterThe201LosesNothing() throws Exception {
        Path dir = Files.createTempDirectory("nograd-ack-");
        Path log = dir.resolve("server.log");
        Process server = ChildServer.start(dir, log);
        String id;
        try {
            Api api = ChildServer.await(server, log);
            assertEquals(201, api.send("POST", "/datasets", form("acked", CSV), MULTIPART).statusCode());
            id = api.submit(Map.of("algorithm", "adam", "dataset", "acked", "layers", List.of(2, 8, 2), "epochs", 2));
            server.destroyForcibly();   // SIGKILL, at once after the 201
        } finally {
            server.destroyForcibly().waitFor();
        }
        server = ChildServer.start(dir, log);
        try {
            Api api = ChildServer.await(server, log);
            JsonNode job = api.awaitFinal(id, Duration.ofMinutes(2));
            assertEquals("SUCCEEDED", job.get("status").asString(), job.toString());
            assertTrue(api.getJson("/datasets").toString().contains("\"name\":\"acked\""), ChildServer.log(log));
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /**
     * A job the server died under three times in a row (an out-of-memory exit each time, say) is not
     * resumed a fourth time: it ends FAILED, so a job cannot crash-loop the server.
     */
    @Test
    void aJobTheServerDiedUnderThreeTimesIsNotResumedAgain() throws Exception {
        Path dir = Files.createTempDirectory("nograd-loop-");
        Path log = dir.resolve("server.log");
        Process server = ChildServer.start(dir, log);
        String id;
        try {
            Api api = ChildServer.await(server, log);
            id = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 64, 2), "epochs", 100_000, "batchSize", 1));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < deadline && !"RUNNING".equals(api.getJson("/jobs/" + id).get("status").asString())) Api.sleep(50);
        } finally {
            server.destroyForcibly().waitFor();
        }
        // what two earlier crashes under it would have left: the attempt count
        try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("nograd"), "sa", "");
             var st = c.prepareStatement("UPDATE jobs SET attempt = 3 WHERE id = ?")) {
            st.setString(1, id);
            assertEquals(1, st.executeUpdate());
        }
        server = ChildServer.start(dir, log);
        try {
            Api api = ChildServer.await(server, log);
            JsonNode job = api.getJson("/jobs/" + id);
            assertEquals("FAILED", job.get("status").asString(), job.toString());
            assertTrue(job.get("error").asString().contains("3 times"), job.toString());
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    @Test
    void aFullDiskFailsCleanly() throws Exception {
        Path dir = Files.createTempDirectory("nograd-full-");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir.toString()).redirectErrorStream(true).start();
        String mountOut = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mount.waitFor() == 0, "skipped: this test mounts a 4 MiB tmpfs and cannot here (not root?): " + mountOut);
        Path log = Files.createTempFile("nograd-full-", ".log");
        Process server = null;
        try {
            server = ChildServer.start(dir, log);
            Api api = ChildServer.await(server, log);
            // leave about 256 KiB: room for H2's small writes, not for a 2 MiB checkpoint or a 400 KiB upload
            Path filler = dir.resolve("filler");
            long free = Files.getFileStore(dir).getUsableSpace();
            Files.write(filler, new byte[(int) Math.max(0, free - (256 << 10))]);

            String job = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 512, 512, 2), "epochs", 1,
                    "trainLimit", 100));
            JsonNode end = api.awaitFinal(job, Duration.ofMinutes(2));
            assertEquals("FAILED", end.get("status").asString(), end.toString());
            assertTrue(end.get("error").asString().contains("disk is full"), end.toString());

            var r = api.send("POST", "/datasets", form("nospace", "x1,x2,label\n" + "0.25,0.75,a\n1.5,1.25,b\n".repeat(20_000)), MULTIPART);
            assertEquals(507, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertTrue(!api.getJson("/datasets").toString().contains("nospace"));
            try (Stream<Path> files = Files.walk(dir)) {
                List<Path> temps = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
                assertEquals(List.of(), temps, "temporary files left behind");
            }

            Files.delete(filler);
            String again = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 1));
            assertEquals("SUCCEEDED", api.awaitFinal(again, Duration.ofMinutes(2)).get("status").asString());
            assertEquals("FAILED", api.getJson("/jobs/" + job).get("status").asString(), "the failed job's record is kept");
        } finally {
            if (server != null) server.destroyForcibly().waitFor();
            umount(dir);
        }
    }

    private static void umount(Path dir) throws IOException, InterruptedException {
        new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor();
        Files.deleteIfExists(dir);
    }
}
