package io.nograd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.nograd.system.Api;

/**
 * Uploads over their life: DELETE frees the name and the file, the number of uploads is capped, a name
 * recorded but not loaded (its file failed to reload at start) can be uploaded again, and a file name that
 * is no path ({@code /}) still gives a named dataset.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "nograd.datasets.max-uploads=3")
class DatasetUploadTest {

    static Path dataDir;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("nograd-uploads-");
        registry.add("nograd.data-dir", dataDir::toString);
    }

    static final String CSV = "x1,x2,label\n" + "0,0,a\n1,1,b\n".repeat(10);

    HttpResponse<byte[]> upload(String name, String filename) {
        String form = (name == null ? "" : "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n")
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n\r\n" + CSV + "\r\n--b--\r\n";
        return api().send("POST", "/datasets", form.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "multipart/form-data; boundary=b"));
    }

    Api api() {
        return new Api("http://127.0.0.1:" + port, null);
    }

    @Test
    void uploadsCanBeDeletedAreCappedAndNamesCanBeReused() {
        for (String n : List.of("one", "two", "three")) assertEquals(201, upload(n, "d.csv").statusCode(), n);
        HttpResponse<byte[]> full = upload("four", "d.csv");
        assertEquals(409, full.statusCode(), new String(full.body()));
        assertTrue(new String(full.body()).contains("nograd.datasets.max-uploads"));

        assertEquals(204, api().send("DELETE", "/datasets/two", null, Map.of()).statusCode());
        assertFalse(Files.exists(dataDir.resolve("datasets").resolve("two.csv")), "the file is removed");
        assertEquals(404, api().get("/datasets/two").statusCode());
        assertEquals(404, api().send("DELETE", "/datasets/two", null, Map.of()).statusCode());
        assertEquals(201, upload("two", "d.csv").statusCode(), "the name is free again");

        // a queued or running job holds its dataset
        String job = api().submit(Map.of("algorithm", "adam", "dataset", "one", "layers", List.of(2, 8, 2), "epochs", 300));
        HttpResponse<byte[]> busy = api().send("DELETE", "/datasets/one", null, Map.of());
        assertEquals(409, busy.statusCode(), new String(busy.body()));
        api().post("/jobs/" + job + "/cancel", "");
        api().awaitFinal(job, java.time.Duration.ofMinutes(1));
        assertEquals(204, api().send("DELETE", "/datasets/one", null, Map.of()).statusCode());

        // recorded in H2 but not loaded: what a file that failed to reload at start leaves
        jdbc.sql("INSERT INTO uploaded_datasets (name, file_path, test_fraction, created_at) VALUES ('ghost', '/nonexistent/ghost.csv', 0.2, :t)")
                .param("t", OffsetDateTime.now()).update();
        HttpResponse<byte[]> ghost = upload("ghost", "d.csv");
        assertEquals(201, ghost.statusCode(), new String(ghost.body()));

        for (String n : List.of("two", "three", "ghost")) assertEquals(204, api().send("DELETE", "/datasets/" + n, null, Map.of()).statusCode());
        HttpResponse<byte[]> slash = upload(null, "/");
        assertEquals(201, slash.statusCode(), new String(slash.body()));
        assertEquals("upload", Api.json(slash).get("name").asString());
    }
}
