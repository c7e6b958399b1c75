package io.nograd.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for one test class: Debian's {@code postgresql} binaries (installed by
 * scripts/setup.sh) run {@code initdb} into a temporary directory and {@code pg_ctl start} on a free
 * loopback port, as the {@code postgres} user when the tests run as root (initdb refuses root). fsync is
 * off: the tests kill nograd nodes, never PostgreSQL. {@link #close} stops it and removes the directory.
 */
final class Postgres implements AutoCloseable {

    /** $NOGRAD_PG_BIN, else the newest of Debian's /usr/lib/postgresql/{version}/bin. */
    static final Path BIN = Path.of(System.getenv().getOrDefault("NOGRAD_PG_BIN", newestDebianBin()));

    private static String newestDebianBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin").toString()).orElse("/usr/lib/postgresql/15/bin");
        } catch (IOException e) {
            return "/usr/lib/postgresql/15/bin";
        }
    }

    private final Path dir;
    private final int port;

    private Postgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static Postgres start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException(BIN + "/initdb not found: run scripts/setup.sh (it installs Debian's postgresql) or set NOGRAD_PG_BIN");
        }
        Path dir = Files.createTempDirectory("nograd-pg-");
        int port = Node.freePort();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir, false);
        run(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--no-sync"), dir, root);
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("pg.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB",
                "start"), dir, root);
        return new Postgres(dir, port);
    }

    /** A new, empty database on this server; its JDBC URL. */
    String createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), dir, root);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the directory is still removed; the caller sees the flag
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void run(List<String> command, Path dir, boolean asPostgres) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        File out = dir.resolve("cmd.log").toFile();
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out));
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(out.toPath()));
        }
    }
}
