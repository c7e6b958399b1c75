package io.nograd.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the shared contract checker ({@code ../shared/contract/check_api.py}, standard-library Python)
 * against the test server. A clone that does not sit beside {@code shared/} runs the snapshot in
 * {@code src/test/resources/contract/} instead (refresh it when the shared one changes); the location can
 * be overridden with {@code -Dnograd.contract=PATH}. Skipped, saying why, only when python3 is not installed.
 */
class ContractScriptTest extends ServerTest {

    @Test
    void checkApiPasses() throws Exception {
        Path shared = Path.of("../shared/contract/check_api.py");
        Path script = Path.of(System.getProperty("nograd.contract",
                (Files.isRegularFile(shared) ? shared : Path.of("src/test/resources/contract/check_api.py")).toString()));
        assertTrue(Files.isRegularFile(script), "the contract checker is not at " + script.toAbsolutePath()
                + "; pass -Dnograd.contract=PATH");
        boolean python;
        try {
            python = new ProcessBuilder("python3", "--version").start().waitFor(30, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            python = false;
        }
        Assumptions.assumeTrue(python, "python3 is not installed: skipping check_api.py (apt-get install python3)");
        Process p = new ProcessBuilder("python3", script.toString(), "http://127.0.0.1:" + port).redirectErrorStream(true).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "check_api.py finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }
}
