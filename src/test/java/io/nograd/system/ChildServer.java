package io.nograd.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The server as a child JVM on a data dir, for tests that kill it, restart it or give it a small disk. */
public final class ChildServer {

    private ChildServer() {
    }

    /** Starts the server on a free port with {@code -Xmx1g}; its port goes beside {@code log}, its output to {@code log}. */
    public static Process start(Path dir, Path log, String... args) throws IOException {
        return start(List.of("-Xmx1g"), dir, log, args);
    }

    /** Starts the server with the given JVM options (heap size and the like). */
    public static Process start(List<String> jvm, Path dir, Path log, String... args) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(log.resolveSibling(log.getFileName() + ".port"), Integer.toString(port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.nograd.NogradApplication",
                "--server.port=" + port, "--nograd.data-dir=" + dir, "--nograd.jobs.queue-capacity=5", "--spring.main.banner-mode=off"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    /** Waits for the server's health endpoint; a client for it. */
    public static Api await(Process server, Path log) throws IOException {
        Api api = new Api("http://127.0.0.1:" + Files.readString(log.resolveSibling(log.getFileName() + ".port")), null);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new AssertionError("server exited: " + Files.readString(log));
            try {
                if (api.get("/actuator/health").statusCode() == 200) return api;
            } catch (IllegalStateException e) {
                Api.sleep(200);
            }
        }
        throw new AssertionError("server did not start: " + Files.readString(log));
    }

    /** The log as text, for assertion messages. */
    public static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
