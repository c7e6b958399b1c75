package io.nograd.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python client's live check ({@code clients/python/tests/live_test.py}) against the test server:
 * the command line's {@code submit --follow} and {@code download --format npz}, the library's events with
 * {@code Last-Event-ID} resume, {@code load_numpy}, {@code predict} agreeing with NumPy on the downloaded
 * weights and, where PyTorch is installed (Debian's {@code python3-torch}, from {@code scripts/setup.sh}),
 * {@code load_torch} agreeing with {@code predict}; then {@code sweep --follow} on a 2 x 2 grid, whose
 * {@code sweep_table} and {@code table} output must equal {@code GET /sweeps/{id}/table}. Of the interpreters on the machine it takes one that
 * has PyTorch, else one with NumPy; skipped, saying why, only when there is no python3 at all.
 */
class PythonClientTest extends ServerTest {

    private static final Path SCRIPT = Path.of("clients/python/tests/live_test.py");

    @Test
    void pythonClientWorksAgainstTheServer() throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), "the client's check is not at " + SCRIPT.toAbsolutePath());
        String chosen = null;
        boolean torch = false;
        boolean anyPython = false;
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if (!has(python, "sys")) continue;
            anyPython = true;
            if (has(python, "torch") && has(python, "numpy")) {
                chosen = python;
                torch = true;
                break;
            }
            if (chosen == null && has(python, "numpy")) chosen = python;
        }
        Assumptions.assumeTrue(anyPython, "python3 is not installed: skipping the Python client's check (scripts/setup.sh installs it)");
        assertTrue(chosen != null, "no python3 here has NumPy, which the client's check needs: run scripts/setup.sh (python3-numpy)");
        Process p = new ProcessBuilder(chosen, SCRIPT.toString(), "http://127.0.0.1:" + port).redirectErrorStream(true).start();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, "live_test.py finished: " + out);
        System.out.println(out); // the checks' lines, with the CLI's sample output, in the CI log
        assertEquals(0, p.exitValue(), chosen + " " + SCRIPT + ":\n" + out);
        assertTrue(out.contains("all checks passed"), out);
        if (torch) {
            assertTrue(out.contains("ok   load_torch"), "PyTorch is installed for " + chosen + " but load_torch was not checked:\n" + out);
        } else {
            System.out.println("PythonClientTest: no python3 here has PyTorch; load_torch was not checked (scripts/setup.sh installs python3-torch)");
        }
    }

    private static boolean has(String python, String module) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
