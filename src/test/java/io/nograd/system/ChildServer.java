package io.nograd.system;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server as a child JVM on a data dir, for tests that kill it with SIGKILL ({@code destroyForcibly}) and
 * start it again on the same dir. Its output goes to {@code server.log} in the dir.
 */
public final class ChildServer {

    private ChildServer() {
    }

    /** Starts the server on a free port (written to {@code dir/port}) with a queue of 5 and the given extra arguments. */
    public static Process start(Path dir, String... args) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("port"), Integer.toString(port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.nograd.NogradApplication",
                "--server.port=" + port, "--nograd.data-dir=" + dir, "--nograd.jobs.queue-capacity=5", "--spring.main.banner-mode=off"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "server.log")));
        return pb.start();
    }

    /** Waits until the server answers its health check; fails with its log when it exits or takes two minutes. */
    public static Api await(Process server, Path dir) throws IOException {
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
