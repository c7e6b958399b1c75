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
     * Two jobs run side by side while the server is killed three times: a fast one that finishes epochs
     * between the kills, and a slow one whose first epoch never ends. The slow one stops being resumed (FAILED,
     * so a job cannot crash-loop the server); the fast one is resumed every time, however often the server
     * dies, because it keeps making progress. A graceful stop queues it again without counting as a death.
     */
    @Test
    void onlyAJobThatStallsAtEveryDeathStopsBeingResumed() throws Exception {
        Path dir = Files.createTempDirectory("nograd-loop-");
        Path log = dir.resolve("server.log");
        String fast = null;
        String slow = null;
        int done = 0;
        for (int kill = 1; kill <= JobRepository.MAX_STALLS; kill++) {
            Process server = ChildServer.start(dir, log, "--nograd.jobs.concurrency=2");
            try {
                Api api = ChildServer.await(server, log);
                if (fast == null) {
                    fast = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 8, 2), "epochs", 100_000));
                    // an epoch of 2000 single-sample steps through two 1024-wide layers: far longer than a kill's window
                    slow = api.submit(Map.of("algorithm", "adam", "dataset", "spirals", "layers", List.of(2, 1024, 1024, 2), "epochs", 2,
                            "batchSize", 1));
                }
                done = awaitProgress(api, fast, slow, done);
                assertEquals(0, api.getJson("/jobs/" + slow).get("epochsDone").asInt(), "the slow job finished an epoch before kill " + kill);
            } finally {
                server.destroyForcibly().waitFor();
            }
        }
        Process server = ChildServer.start(dir, log, "--nograd.jobs.concurrency=2");
        try {
            Api api = ChildServer.await(server, log);
            JsonNode stalled = api.getJson("/jobs/" + slow);
            assertEquals("FAILED", stalled.get("status").asString(), stalled.toString());
            assertTrue(stalled.get("error").asString().contains(JobRepository.MAX_STALLS + " times with no epoch finished"), stalled.toString());
            done = awaitProgress(api, fast, null, done);
            assertEquals(JobRepository.MAX_STALLS + 1, api.getJson("/jobs/" + fast).get("attempt").asInt());
        } finally {
            server.destroy();   // SIGTERM: a graceful stop
            server.waitFor();
        }
        server = ChildServer.start(dir, log, "--nograd.jobs.concurrency=2");
        try {
            Api api = ChildServer.await(server, log);
            awaitProgress(api, fast, null, done);
            String history = api.getJson("/jobs/" + fast).get("history").toString();
            assertTrue(history.contains("the server shut down; queued again"), history);
            api.post("/jobs/" + fast + "/cancel", "");
            assertEquals("CANCELLED", api.awaitFinal(fast, Duration.ofSeconds(30)).get("status").asString());
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Waits until {@code fast} has finished more than {@code done} epochs while {@code slow} (if given) runs; its epochs done. */
    static int awaitProgress(Api api, String fast, String slow, int done) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode f = api.getJson("/jobs/" + fast);
            boolean slowRuns = slow == null || "RUNNING".equals(api.getJson("/jobs/" + slow).get("status").asString());
            if ("RUNNING".equals(f.get("status").asString()) && f.get("epochsDone").asInt() > done && slowRuns) return f.get("epochsDone").asInt();
            Api.sleep(20);
        }
        throw new AssertionError("no progress past epoch " + done + ": " + api.getJson("/jobs/" + fast) + (slow == null ? "" : " " + api.getJson("/jobs/" + slow)));
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
