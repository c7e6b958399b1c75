package io.nograd.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.nograd.system.Api;

/**
 * One nograd node as a child JVM (-Xmx384m, one BLAS thread) in cluster mode on loopback: its HTTP and
 * Hazelcast ports, the shared PostgreSQL URL and the join list of every node's Hazelcast port.
 */
final class Node {

    private static final int PORT_BASE = 20000;
    private static final int PORT_SPAN = 12000;

    final String name;
    final int httpPort;
    final int hzPort;
    final Path dir;
    private Process process;

    Node(String name, int hzPort, Path dir) throws IOException {
        this.name = name;
        this.hzPort = hzPort;
        this.httpPort = freePort();
        this.dir = dir;
    }

    /** Next candidate of {@link #freePort}: a random start, so two test JVMs rarely probe the same ports. */
    private static final AtomicInteger NEXT = new AtomicInteger(new java.util.Random().nextInt(PORT_SPAN));

    /**
     * A loopback port that is free now, taken below the kernel's ephemeral range (Linux: 32768 and up): a port
     * the OS handed out as free lies in that range, where a member's or a client's outbound connection can take
     * it before the process it was chosen for binds it ("Address already in use" in a clean run).
     */
    static int freePort() throws IOException {
        for (int tries = 0; tries < PORT_SPAN; tries++) {
            int port = PORT_BASE + Math.floorMod(NEXT.getAndIncrement(), PORT_SPAN);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException busy) {
                // taken: try the next one
            }
        }
        throw new IOException("no free loopback port in " + PORT_BASE + "–" + (PORT_BASE + PORT_SPAN - 1));
    }

    void start(String jdbcUrl, List<Integer> hzPorts) throws IOException {
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> members = hzPorts.stream().map(p -> "127.0.0.1:" + p).toList();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "io.nograd.NogradApplication",
                "--server.port=" + httpPort, "--nograd.data-dir=" + dir, "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.maximum-pool-size=5",
                "--nograd.jobs.queue-capacity=40",
                "--nograd.cluster.enabled=true", "--nograd.cluster.name=nograd-test",
                "--nograd.cluster.members=" + String.join(",", members), "--nograd.cluster.port=" + hzPort,
                "--nograd.cluster.bind-address=127.0.0.1", "--nograd.cluster.node-name=" + name,
                "--nograd.cluster.failure-timeout=4s", "--nograd.cluster.poll-interval=250ms"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "server.log")));
        process = pb.start();
    }

    Api api() {
        return new Api("http://127.0.0.1:" + httpPort, null);
    }

    Api awaitUp() throws IOException {
        Api api = api();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError(name + " exited: " + log());
            try {
                if (api.get("/actuator/health").statusCode() == 200) return api;
            } catch (IllegalStateException e) {
                Api.sleep(200);
            }
        }
        throw new AssertionError(name + " did not start: " + log());
    }

    String log() throws IOException {
        Path f = dir.resolve("server.log");
        return Files.exists(f) ? Files.readString(f) : "(no log)";
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    void kill() throws InterruptedException {
        if (process != null) process.destroyForcibly().waitFor();
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }
}
