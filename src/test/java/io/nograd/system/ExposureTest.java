package io.nograd.system;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.nograd.NogradApplication;

/**
 * The server refuses to start on an address other machines reach without a token, and says how to fix it;
 * the operator's explicit opt-out starts it. (Both bind port 0 on 0.0.0.0 only for the moment of the check.)
 */
class ExposureTest {

    /** Starts the application with {@code args} as command-line settings (above application.properties). */
    static ConfigurableApplicationContext run(String... args) throws Exception {
        String dir = Files.createTempDirectory("nograd-exposure-").toString();
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--server.port=0", "--nograd.data-dir=" + dir,
                "--spring.main.banner-mode=off"), java.util.Arrays.stream(args)).toArray(String[]::new);
        return new SpringApplicationBuilder(NogradApplication.class).run(all);
    }

    @Test
    void aNetworkAddressWithoutATokenIsRefusedAtStart() {
        Exception e = assertThrows(Exception.class, () -> run("--server.address=0.0.0.0").close());
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        assertTrue(root.getMessage().contains("without a token") && root.getMessage().contains("nograd.security.allow-open-network"),
                root.getMessage());
    }

    @Test
    void theExplicitOptOutOrATokenStartsIt() throws Exception {
        try (ConfigurableApplicationContext ctx = run("--server.address=0.0.0.0", "--nograd.security.allow-open-network=true")) {
            assertTrue(ctx.isActive());
        }
        try (ConfigurableApplicationContext ctx = run("--server.address=0.0.0.0", "--nograd.security.token=t0ken")) {
            assertTrue(ctx.isActive());
        }
    }
}
