package io.nograd.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Runs the curl session of {@code docs/curl-session.md} (the README's) with bash, as written, against
 * the test server. Two substitutions only: the test server's address for {@code localhost:8080}, and
 * {@code "trainLimit": 5000} with 2 epochs so the run takes seconds rather than minutes on CI.
 */
class CurlSessionTest extends ServerTest {

    @TempDir
    Path work;

    @Test
    void theDocumentedSessionWorks() throws Exception {
        String doc = Files.readString(Path.of("docs/curl-session.md"));
        Matcher m = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "docs/curl-session.md has a bash block");
        String script = m.group(1).replace("localhost:8080", "127.0.0.1:" + port)
                .replace("\"epochs\": 5,", "\"epochs\": 2, \"trainLimit\": 5000,");
        assertTrue(script.contains("\"trainLimit\": 5000"), "the spec in the doc changed shape; update this test");
        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
        assertTrue(bash.waitFor(5, TimeUnit.MINUTES), "the session ended");
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.exitValue(), out);

        List<String> ids = out.lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3)).toList();
        assertEquals(List.of("1", "2"), ids, out);
        assertTrue(out.contains("\"status\":\"SUCCEEDED\""), out);
        assertTrue(out.contains("epoch,epochs,trainLoss"), out);

        byte[] file = Files.readAllBytes(work.resolve("adam-fmnist.safetensors"));
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = Api.JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals("[500,784]", header.get("layers.0.weight").get("shape").toString());
        assertEquals("[10,500]", header.get("layers.2.weight").get("shape").toString());

        String jobId = out.lines().filter(l -> l.startsWith("job ")).findFirst().orElseThrow().substring(4);
        double accuracy = api.getJson("/jobs/" + jobId).get("latest").get("testAccuracy").asDouble();
        assertTrue(accuracy > 0.78, "Adam on 5000 Fashion-MNIST images reaches about 0.8 test accuracy in 2 epochs: " + accuracy);
    }
}
