package io.nograd.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.nograd.NogradApplication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} + {@code chromium-driver}) against
 * the real server on a random port and a temporary data dir: the form creates a job whose curve grows
 * live, a job is cancelled, two jobs are overlaid in compare, a late-opened page shows every epoch so
 * far, a job with an epoch every few milliseconds reads RUNNING steadily (the page coalesces its redraws) and is
 * cancelled with every kept epoch shown, a server restart under an open page ends with the resumed job's full curve without a reload, and
 * a token typed once goes along on fetch and WebSocket, and a sweep's view shows its heat map with the best and the
 * pruned cells, opens a cell's job and overlays ticked cells in compare.
 * Screenshots land in {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Epochs of the job the form creates: enough (≈ 6 s on this 2-core machine, 10 ms an epoch) that even a fast
     * machine is still training when the job view opens, so the curve is seen growing; few enough to finish
     * within the wait on a loaded one.
     */
    private static final int FORM_EPOCHS = 600;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dataDir;
    private Path chromeProfile;
    private int port;
    private String base;
    private ConfigurableApplicationContext app;
    private ChromeDriver driver;
    private static final String TOKEN = "s3cret-browser-token";
    private String token;
    private String trainedJob;
    private String cancelledJob;

    @BeforeAll
    void start() throws IOException {
        Chromium.requireInstalledAndBuilt();
        dataDir = Files.createTempDirectory("nograd-dashboard-test");
        chromeProfile = Files.createTempDirectory("nograd-chromium");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        app = startServer();
        driver = Chromium.start(chromeProfile);
    }

    private ConfigurableApplicationContext startServer(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--nograd.data-dir=" + dataDir,
                "--nograd.jobs.concurrency=2",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(NogradApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    void stop() throws IOException {
        if (driver != null) driver.quit();
        if (app != null) app.close();
        deleteTree(chromeProfile);
        deleteTree(dataDir);
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void formShowsServerValidationErrorsNextToTheField() {
        open("#/new");
        WebElement form = waitFor(By.cssSelector("[data-testid='new-job-form']"));
        new Select(field("algorithm")).selectByValue("adam");
        new Select(field("dataset")).selectByValue("spirals");
        assertThat(field("layers").getAttribute("value")).as("layers prefilled from the dataset").startsWith("2-").endsWith("-2");
        // The activation and loss lists hold only what adam supports, all taken from GET /algorithms.
        assertThat(optionValues(field("loss"))).contains("cross-entropy");

        type(field("layers"), "3-16-2"); // spirals has 2 features: the server says so
        type(field("epochs"), "0");
        form.findElement(By.cssSelector("[data-testid='submit-job']")).click();
        String layersError = waitText(By.cssSelector("[data-testid='error-layers']"));
        String epochsError = waitText(By.cssSelector("[data-testid='error-epochs']"));
        assertThat(layersError).contains("2");
        assertThat(epochsError).isNotBlank();
        assertThat(field("layers").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.getCurrentUrl()).endsWith("#/new");
        shot("01-form-validation-errors");

        // The activation's constants and the init go to the server too, and its errors come back to their fields.
        type(field("layers"), "2-16-2");
        type(field("epochs"), "3");
        new Select(field("activation")).selectByValue("leaky-relu");
        type(field("activationParams"), "{\"alpha\": 5}");
        new Select(field("init.kind")).selectByValue("gaussian");
        type(field("init.scale"), "50");
        form.findElement(By.cssSelector("[data-testid='submit-job']")).click();
        assertThat(waitText(By.cssSelector("[data-testid='error-activationParams']"))).contains("alpha");
        assertThat(waitText(By.cssSelector("[data-testid='error-init.scale']"))).isNotBlank();
        assertThat(text(By.cssSelector("[data-testid='error-layers']"))).as("the fixed field's error is gone").isBlank();
        assertThat(driver.getCurrentUrl()).endsWith("#/new");
    }

    @Test
    @Order(2)
    void formCreatesAJobWhoseCurveGrowsLiveUntilItSucceeds() throws Exception {
        open("#/new");
        waitFor(By.cssSelector("[data-testid='new-job-form']"));
        new Select(field("algorithm")).selectByValue("adam");
        new Select(field("dataset")).selectByValue("spirals");
        type(field("name"), "adam spirals (browser test)");
        type(field("layers"), "2-64-64-2");
        type(field("epochs"), Integer.toString(FORM_EPOCHS));
        type(field("batchSize"), "4");
        type(field("params.lr"), "0.003");
        shot("02-form-filled");
        driver.findElement(By.cssSelector("[data-testid='submit-job']")).click();

        until("the job view opens", () -> driver.getCurrentUrl().contains("#/jobs/"));
        trainedJob = driver.getCurrentUrl().replaceAll(".*#/jobs/", "");
        By lossChart = By.cssSelector("[data-testid='chart-loss']");
        waitFor(lossChart);

        // Watch the curve while the job trains: it must gain points before the job ends.
        TreeSet<Integer> seenWhileRunning = new TreeSet<>();
        boolean midShot = false;
        long deadline = System.nanoTime() + WAIT.multipliedBy(3).toNanos();
        while (!"SUCCEEDED".equals(status())) {
            if (System.nanoTime() > deadline) fail("job did not succeed; status " + status());
            int points = points(lossChart);
            if (points > 0 && !isFinal(status())) seenWhileRunning.add(points);
            if (!midShot && points >= 6) {
                shot("03-job-training-live");
                midShot = true;
            }
            sleep(40);
        }
        assertThat(seenWhileRunning).as("distinct loss-point counts seen while RUNNING").hasSizeGreaterThanOrEqualTo(2);
        until("the final curve", () -> points(lossChart) == 2 * FORM_EPOCHS);
        assertThat(points(By.cssSelector("[data-testid='chart-accuracy']"))).isEqualTo(2 * FORM_EPOCHS);
        assertThat(epochRows()).isEqualTo(range(1, FORM_EPOCHS));
        assertThat(text(By.cssSelector("[data-testid='job-progress']"))).contains(FORM_EPOCHS + " / " + FORM_EPOCHS);
        assertThat(driver.findElement(By.cssSelector("[data-testid='download-safetensors']")).getAttribute("href"))
                .endsWith("/jobs/" + trainedJob + "/weights?format=safetensors");
        HttpResponse<byte[]> weights = http.send(request("/jobs/" + trainedJob + "/weights?format=safetensors").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(weights.statusCode()).as("the download link works").isEqualTo(200);
        assertThat(weights.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
        assertThat(text(By.cssSelector("[data-testid='spec-json']"))).contains("\"algorithm\": \"adam\"").contains("[2, 64, 64, 2]");
        assertThat(text(By.cssSelector("[data-testid='curl-command']"))).startsWith("curl -X POST").contains("/jobs");
        shot("04-job-succeeded");
        fullPageShot("05-job-succeeded-full");
    }

    @Test
    @Order(3)
    void cancelButtonCancelsARunningJob() throws Exception {
        // a slow job, so the page shows it RUNNING for a while; a fast one is aFastSgdJobReadsRunningSteadilyAndIsCancelledFromThePage's
        cancelledJob = createJob("long lpom (to cancel)", "lpom", 5000, 100, "{}");
        open("#/jobs/" + cancelledJob);
        until("the job runs", () -> "RUNNING".equals(status()) && points(By.cssSelector("[data-testid='chart-loss']")) > 0);
        WebElement cancel = driver.findElement(By.cssSelector("[data-testid='cancel-job']"));
        assertThat(cancel.isEnabled()).isTrue();
        cancel.click();
        until("the job is CANCELLED", () -> "CANCELLED".equals(status()));
        until("the cancel button is disabled", () -> !driver.findElement(By.cssSelector("[data-testid='cancel-job']")).isEnabled());
        assertThat(get("/jobs/" + cancelledJob)).contains("\"CANCELLED\"");
        shot("06-job-cancelled");

        open("#/jobs");
        until("the list shows both jobs", () -> driver.findElements(By.cssSelector("[data-testid='job-row']")).size() >= 2);
        new Select(driver.findElement(By.cssSelector("[data-testid='filter-status']"))).selectByValue("CANCELLED");
        until("the filter keeps only the cancelled job", () -> {
            List<WebElement> rows = driver.findElements(By.cssSelector("[data-testid='job-row']"));
            return rows.size() == 1 && cancelledJob.equals(rows.get(0).getAttribute("data-job-id"));
        });
        new Select(driver.findElement(By.cssSelector("[data-testid='filter-status']"))).selectByValue("");
        until("the filter is off", () -> driver.findElements(By.cssSelector("[data-testid='job-row']")).size() >= 2);
        // a single node answers 404 on GET /cluster: the cluster panel removes itself, and nothing shows an error
        until("no cluster panel on a single node", () -> driver.findElements(By.cssSelector("[data-testid='cluster-panel']")).isEmpty());
        assertThat(driver.findElements(By.cssSelector(".message.error")).stream().filter(WebElement::isDisplayed).map(WebElement::getText))
                .as("no error shown").allMatch(String::isBlank);
        shot("07-jobs-list");
    }

    /**
     * A job fast enough to send an epoch every few milliseconds (float32 SGD on spirals, batch 4): the page coalesces
     * its redraws, so its status reads RUNNING steadily, cancel works from the page, and the curve and table still
     * hold every epoch the server kept. Prints the redraw rate for bench/results/dashboard.md.
     */
    @Test
    @Order(5)
    void aFastSgdJobReadsRunningSteadilyAndIsCancelledFromThePage() throws Exception {
        String id = createJob("fast sgd (to cancel)", "sgd", 100_000, 4, "{\"lr\": 0.01}");
        open("#/jobs/" + id);
        By lossChart = By.cssSelector("[data-testid='chart-loss']");
        until("the job runs", () -> "RUNNING".equals(status()) && points(lossChart) > 0);
        JavascriptExecutor js = driver;
        String redraws = "return Number(document.querySelector(\"[data-testid='job-view']\").dataset.redraws);";
        int epochs0 = metricsCount(id);
        long t0 = System.nanoTime();
        long r0 = ((Number) js.executeScript(redraws)).longValue();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            seen.add(status());
            sleep(100);
        }
        long r1 = ((Number) js.executeScript(redraws)).longValue();
        double seconds = (System.nanoTime() - t0) / 1e9;
        int epochs1 = metricsCount(id);
        double perSecond = (r1 - r0) / seconds;
        System.out.printf("fast sgd job view: %.1f redraws/s while the server sent %.0f epochs/s (%d redraws in %.2f s)%n",
                perSecond, (epochs1 - epochs0) / seconds, r1 - r0, seconds);
        assertThat(seen).as("the status read every 100 ms for 3 s").containsOnly("RUNNING");
        assertThat(epochs1 - epochs0).as("epochs kept arriving meanwhile").isGreaterThan(10);
        // at most one redraw per coalescing interval (150 ms) for epochs, plus the odd one for a status or a resize
        assertThat(perSecond).as("redraws per second").isLessThan(10);
        shot("06b-fast-sgd-running");

        WebElement cancel = driver.findElement(By.cssSelector("[data-testid='cancel-job']"));
        assertThat(cancel.isEnabled()).isTrue();
        cancel.click();
        until("the job is CANCELLED", () -> "CANCELLED".equals(status()));
        JsonNode job = JSON.readTree(get("/jobs/" + id));
        assertThat(job.get("status").asString()).isEqualTo("CANCELLED");
        int done = job.get("epochsDone").asInt();
        assertThat(done).isLessThan(100_000);
        // nothing dropped: every epoch the server kept is on the curve and in the table
        until("the full curve of the cancelled job", () -> points(lossChart) == 2 * done);
        assertThat(epochRows()).isEqualTo(range(1, done));
        assertThat(text(By.cssSelector("[data-testid='job-progress']"))).startsWith("epoch " + done + " / 100000");
        assertThat(driver.findElement(By.cssSelector("[data-testid='cancel-job']")).isEnabled()).isFalse();
    }

    @Test
    @Order(4)
    void compareOverlaysTwoJobsOnSharedAxes() {
        open("#/compare");
        for (String id : List.of(trainedJob, cancelledJob)) {
            By pick = By.cssSelector("[data-testid='compare-pick'][data-job-id='" + id + "']");
            waitFor(pick).click();
        }
        until("both jobs are in the summary", () -> driver.findElements(By.cssSelector("[data-testid='compare-row']")).size() == 2);
        By acc = By.cssSelector("[data-testid='compare-chart-testAccuracy']");
        until("both curves are drawn", () -> points(acc) > 25);
        // One chart, one legend entry per job (plus the x series).
        List<WebElement> legend = driver.findElement(acc).findElements(By.cssSelector(".u-legend .u-series"));
        assertThat(legend).hasSize(3);
        assertThat(legend.get(1).getText()).contains("adam spirals");
        assertThat(legend.get(2).getText()).contains("long lpom");
        assertThat(driver.getCurrentUrl()).contains(trainedJob).contains(cancelledJob);
        shot("08-compare");
        driver.manage().window().setSize(new Dimension(420, 1000));
        sleep(300);
        shot("09-compare-narrow");
        driver.manage().window().setSize(new Dimension(1400, 1000));
    }

    @Test
    @Order(5)
    void aPageOpenedMidTrainingShowsEveryEpochSoFar() throws Exception {
        open("#/jobs");
        waitFor(By.cssSelector("[data-testid='jobs-table']"));
        // Far more epochs than the test waits for, so a fast machine cannot finish it first: it is cancelled below.
        String id = createJob("late open", "lpom", 5000, 100, "{}");
        // The list learns of the new job and follows its progress without a reload.
        By progress = By.cssSelector("[data-testid='job-row'][data-job-id='" + id + "'] [data-testid='job-progress']");
        until("the new job's row", () -> !driver.findElements(progress).isEmpty());
        TreeSet<String> progressSeen = new TreeSet<>();
        until("the row's progress moves", () -> {
            progressSeen.add(driver.findElement(progress).getText());
            return progressSeen.size() >= 3;
        });
        untilRest("a few epochs are done", () -> metricsCount(id) >= 4);
        int before = metricsCount(id);
        open("#/jobs/" + id);
        waitFor(By.cssSelector("[data-testid='job-view'] [data-testid='job-status']"));
        until("the replayed rows", () -> epochRows().size() >= before);
        List<Integer> rows = epochRows();
        assertThat(rows).as("rows 1..n without a gap").isEqualTo(range(1, rows.size()));
        assertThat(points(By.cssSelector("[data-testid='chart-loss']"))).isGreaterThanOrEqualTo(2 * before);
        shot("10-opened-mid-training");
        driver.findElement(By.cssSelector("[data-testid='cancel-job']")).click();
        until("cancelled", () -> "CANCELLED".equals(status()));
    }

    @Test
    @Order(6)
    void aServerRestartUnderAnOpenPageEndsWithTheResumedJobsFullCurve() throws Exception {
        // Enough epochs (≈ 10 s here) that the job is still running when the server stops, even on a fast machine.
        int epochs = 1000;
        String id = createJob("survives a restart", "adam", epochs, 4, "{\"lr\": 0.003}");
        open("#/jobs/" + id);
        ((JavascriptExecutor) driver).executeScript("window.__sameDocument = 'yes';");
        until("some epochs are live", () -> epochRows().size() >= 3);

        app.close();
        app = null;
        until("the page notices the drop", () -> !"live".equals(liveState()));
        shot("11-server-down-reconnecting");
        app = startServer();

        until("the resumed job finishes on the open page", () -> "SUCCEEDED".equals(status()), WAIT.multipliedBy(4));
        until("the full curve", () -> points(By.cssSelector("[data-testid='chart-loss']")) == 2 * epochs);
        assertThat(epochRows()).isEqualTo(range(1, epochs));
        assertThat(((JavascriptExecutor) driver).executeScript("return window.__sameDocument;"))
                .as("no reload happened").isEqualTo("yes");
        Matcher attempt = Pattern.compile("\"attempt\"\\s*:\\s*(\\d+)").matcher(get("/jobs/" + id));
        assertThat(attempt.find() && Integer.parseInt(attempt.group(1)) >= 2).as("the job was resumed by the new server, not finished before the stop").isTrue();
        assertThat(text(By.cssSelector("[data-testid='job-meta']"))).contains("resumed");
        shot("12-resumed-after-restart");
    }

    @Test
    @Order(7)
    void aTokenTypedOnceIsSentOnFetchAndOnTheWebSocket() throws Exception {
        app.close();
        app = startServer("--nograd.security.token=" + TOKEN);
        open("#/jobs");
        waitText(By.cssSelector("[data-testid='banner']"));
        WebElement input = waitFor(By.cssSelector("[data-testid='token-input']"));
        shot("13-token-asked");
        type(input, TOKEN);
        driver.findElement(By.cssSelector("[data-testid='token-save']")).click();
        until("the list loads with the token", () -> driver.findElements(By.cssSelector("[data-testid='job-row']")).size() >= 4);
        assertThat(((JavascriptExecutor) driver).executeScript("return localStorage.getItem('nograd.token');")).isEqualTo(TOKEN);

        // Epochs and the final status come only through the WebSocket, which carries ?token=.
        token = TOKEN;
        String id = createJob("with a token", "adam", 30, 4, "{\"lr\": 0.003}");
        open("#/jobs/" + id);
        until("the job succeeds on the page", () -> "SUCCEEDED".equals(status()), WAIT.multipliedBy(2));
        until("its full curve", () -> epochRows().equals(range(1, 30)));
        assertThat(text(By.cssSelector("[data-testid='curl-command']"))).contains("Authorization: Bearer $NOGRAD_TOKEN").doesNotContain(TOKEN);
        shot("14-token-job");
    }

    @Test
    @Order(9)
    void theSweepViewShowsAHeatMapWithTheBestAndThePrunedCellsAndOpensACellsJob() throws Exception {
        String body = """
                {"name": "lr x batch (browser test)", "base": {"algorithm": "adam", "dataset": "blobs", "layers": [20, 16, 4],
                 "epochs": 6, "trainLimit": 300, "seed": 3},
                 "grid": {"params.lr": [0.03, 1e-6], "batchSize": [16, 32]}, "maxConcurrent": 1,
                 "prune": {"rule": "median", "warmup": 1, "minPeers": 1}}""";
        HttpResponse<String> r = http.send(request("/sweeps").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        String sweep = m.group(1);

        open("#/sweeps");
        By link = By.cssSelector("[data-testid='sweep-row'][data-sweep-id='" + sweep + "'] [data-testid='sweep-link']");
        waitFor(link).click();
        until("the sweep view", () -> driver.getCurrentUrl().endsWith("#/sweeps/" + sweep));
        By badge = By.cssSelector("[data-testid='sweep-view'] [data-testid='sweep-status']");
        until("the sweep is done, live", () -> !driver.findElements(badge).isEmpty()
                && "DONE".equals(driver.findElement(badge).getAttribute("data-status")), WAIT.multipliedBy(2));
        By heat = By.cssSelector("[data-testid='heat-cell']");
        until("the 2 x 2 heat map", () -> driver.findElements(heat).size() == 4
                && driver.findElements(By.cssSelector("[data-testid='sweep-cell'][data-status='RUNNING']")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("[data-testid='heat-cell'][data-best='true']"))).hasSize(1);
        List<?> pruned = (List<?>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(\"[data-testid='sweep-cell'][data-status='PRUNED']\")].map(e => e.textContent);");
        assertThat(pruned).as("the lr = 1e-6 cells are pruned").hasSizeGreaterThanOrEqualTo(2);
        assertThat(pruned.get(0).toString()).contains("✂");
        assertThat(driver.findElements(By.cssSelector("[data-testid='heat-cell'][data-pruned='true']"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(text(By.cssSelector("[data-testid='sweep-pruned-list']"))).contains("median rule: at epoch");
        assertThat(text(By.cssSelector("[data-testid='heatmap-table'] thead"))).contains("params.lr").contains("batchSize");
        fullPageShot("20-sweep-heatmap");

        // Tick two cells and overlay their curves in compare. Read and click in one script each: a live event may
        // re-render the map between a look-up and its use.
        JavascriptExecutor js = (JavascriptExecutor) driver;
        String best = (String) js.executeScript(
                "return document.querySelector(\"[data-testid='heat-cell'][data-best='true'] [data-testid='sweep-cell']\").dataset.jobId;");
        String prunedJob = (String) js.executeScript("return document.querySelector(\"[data-testid='sweep-cell'][data-status='PRUNED']\").dataset.jobId;");
        for (String job : List.of(best, prunedJob)) {
            js.executeScript("document.querySelector(\"[data-testid='sweep-cell'][data-job-id='\" + arguments[0] + \"'] input\").click();", job);
        }
        until("two cells are ticked", () -> text(By.cssSelector("[data-testid='sweep-compare']")).contains("(2)"));
        driver.findElement(By.cssSelector("[data-testid='sweep-compare']")).click();
        until("compare opens with both", () -> driver.getCurrentUrl().contains("#/compare") && driver.getCurrentUrl().contains(best)
                && driver.getCurrentUrl().contains(prunedJob));
        until("both curves are drawn", () -> driver.findElements(By.cssSelector("[data-testid='compare-row']")).size() == 2
                && points(By.cssSelector("[data-testid='compare-chart-testAccuracy']")) >= 6 + 2);
        shot("21-sweep-cells-compared");

        // A click on a heat-map cell (one job in it) opens that job.
        open("#/sweeps/" + sweep);
        By bestCell = By.cssSelector("[data-testid='heat-cell'][data-best='true']");
        waitFor(bestCell).click();
        until("the best cell's job opens", () -> driver.getCurrentUrl().endsWith("#/jobs/" + best));
        until("its status", () -> "SUCCEEDED".equals(status()));
        open("#/jobs/" + prunedJob);
        until("the pruned job says so", () -> "PRUNED".equals(status()));
        assertThat(waitText(By.cssSelector("[data-testid='job-error']"))).startsWith("Pruned: median rule");
        shot("22-pruned-job");

        // The new-job form builds a sweep: the form's job is the base, a grid line makes any field a list.
        open("#/new");
        waitFor(By.cssSelector("[data-testid='new-job-form']"));
        new Select(field("algorithm")).selectByValue("adam");
        new Select(field("dataset")).selectByValue("blobs");
        type(field("layers"), "20-16-4");
        type(field("epochs"), "2");
        type(field("trainLimit"), "200");
        type(field("grid"), "params.lr: 0.01, 0.02\nparams.nope: 1");
        driver.findElement(By.cssSelector("[data-testid='submit-sweep']")).click();
        assertThat(waitText(By.cssSelector("[data-testid='form-error']"))).contains("params.nope");
        assertThat(driver.getCurrentUrl()).endsWith("#/new");
        type(field("grid"), "params.lr: 0.01, 0.02\nlayers: 20-16-4, 20-8-4");
        driver.findElement(By.cssSelector("[data-testid='submit-sweep']")).click();
        until("the new sweep's view", () -> driver.getCurrentUrl().contains("#/sweeps/"));
        until("its 2 x 2 heat map", () -> driver.findElements(By.cssSelector("[data-testid='heat-cell']")).size() == 4);
        shot("23-sweep-from-the-form");
    }

    /**
     * The reproduction view: the catalogue's cards, a quick run started by its button, and the run's tables with
     * the paper's figure beside ours for training and test accuracy, gaps above a point flagged.
     */
    @Test
    @Order(10)
    void aReproductionStartedFromItsCardTablesThePapersFiguresBesideOursWithFlags() throws Exception {
        open("#/reproductions");
        until("the catalogue's cards", () -> driver.findElements(By.cssSelector("[data-testid='repro-card']")).size() >= 9);
        By card = By.cssSelector("[data-testid='repro-card'][data-repro-id='sibp-table2']");
        assertThat(text(card)).contains("Table 2").contains("Run quick (3 jobs)").contains("Run paper");
        fullPageShot("30-reproductions-catalogue");
        driver.findElement(By.cssSelector("[data-testid='repro-card'][data-repro-id='sibp-table2'] [data-testid='repro-run-quick']")).click();
        until("the run's view", () -> driver.getCurrentUrl().contains("#/reproductions/runs/"));
        By badge = By.cssSelector("[data-testid='repro-run-view'] [data-testid='repro-run-status']");
        until("the run is done, live", () -> !driver.findElements(badge).isEmpty()
                && "DONE".equals(driver.findElement(badge).getAttribute("data-status")), WAIT.multipliedBy(2));
        By tables = By.cssSelector("[data-testid='repro-table']");
        until("a table per metric with the three configurations", () -> driver.findElements(tables).size() == 2
                && driver.findElements(By.cssSelector("[data-testid='repro-row']")).size() == 6
                && !text(By.cssSelector("[data-testid='repro-table'][data-metric='testAccuracy']")).contains("—"));
        String test = text(By.cssSelector("[data-testid='repro-table'][data-metric='testAccuracy']"));
        assertThat(test).contains("algorithm=sibp").contains("0.9828").contains("algorithm=sgd").contains("0.9757").contains("algorithm=proxbp").contains("0.9719").contains("Table 2");
        assertThat(text(By.cssSelector("[data-testid='repro-table'][data-metric='trainAccuracy']"))).contains("0.9842");
        // One epoch on 1 000 images is far from 50 epochs on 60 000: the gaps exceed a point and are flagged.
        assertThat(driver.findElements(By.cssSelector("[data-testid='repro-row'][data-flagged='true']"))).isNotEmpty();
        assertThat(text(By.cssSelector("[data-testid='repro-tables']"))).contains("⚑");
        fullPageShot("31-reproduction-run-table");
        driver.findElement(By.cssSelector("[data-testid='repro-sweep-link']")).click();
        until("the run is an ordinary sweep", () -> driver.getCurrentUrl().contains("#/sweeps/")
                && !driver.findElements(By.cssSelector("[data-testid='heat-cell']")).isEmpty());
        open("#/reproductions");
        until("the card lists the run", () -> !driver.findElements(By.cssSelector(
                "[data-testid='repro-card'][data-repro-id='sibp-table2'] [data-testid='repro-run-link']")).isEmpty());

        // DLAM's paper gives only a bound, "0.8 or more": the paper column says so, and ⚑ means falling short of it.
        driver.findElement(By.cssSelector("[data-testid='repro-card'][data-repro-id='dlam-baselines'] [data-testid='repro-run-quick']")).click();
        until("the DLAM run is done", () -> driver.getCurrentUrl().contains("#/reproductions/runs/") && !driver.findElements(badge).isEmpty()
                && "DONE".equals(driver.findElement(badge).getAttribute("data-status"))
                && text(By.cssSelector("[data-testid='repro-tables']")).contains("dlam"), WAIT.multipliedBy(2));
        By dlamRow = By.xpath("//tr[@data-testid='repro-row'][th[contains(., 'algorithm=dlam')]]");
        until("DLAM's row has our value", () -> !driver.findElements(dlamRow).isEmpty()
                && driver.findElement(dlamRow).findElement(By.cssSelector("[data-testid='repro-ours']")).getText().matches("[0-9.]+.*"));
        WebElement row = driver.findElement(dlamRow);
        assertThat(row.findElement(By.cssSelector("[data-testid='repro-paper']")).getText()).isEqualTo("≥ 0.8");
        double ours = Double.parseDouble(row.findElement(By.cssSelector("[data-testid='repro-ours']")).getText().split(" ")[0]);
        assertThat("true".equals(row.getAttribute("data-flagged"))).as("flagged iff %s < 0.79", ours).isEqualTo(ours < 0.79);
        fullPageShot("32-reproduction-bound");
    }

    /**
     * Every objective and diagnostics panel of an LPOM job is titled and captioned by the figure's definition
     * from GET /algorithms, one quantity per panel; the screenshot is for a person to look at.
     */
    @Test
    @Order(8)
    void anLpomJobsObjectiveAndDiagnosticsPanelsSayWhatTheyShow() throws Exception {
        String id = createJob("lpom panels", "lpom", 5, 100, "{}");
        open("#/jobs/" + id);
        until("the LPOM job succeeds on the page", () -> "SUCCEEDED".equals(status()), WAIT.multipliedBy(2));
        until("its objective curve", () -> points(By.cssSelector("[data-testid='chart-objective']")) == 5);
        JsonNode lpom = null;
        for (JsonNode a : JSON.readTree(get("/algorithms"))) if (a.get("name").asString().equals("lpom")) lpom = a;
        assertThat(lpom).isNotNull();
        JsonNode objective = lpom.get("objective");
        assertPanel("chart-objective", "Objective: " + objective.get("title").asString(), objective);
        JsonNode row = JSON.readTree(get("/jobs/" + id + "/metrics")).get(0);
        List<String> titles = new ArrayList<>();
        for (String name : row.get("diagnostics").propertyNames()) {
            JsonNode d = null;
            for (JsonNode x : lpom.get("diagnostics")) if (x.get("name").asString().equals(name)) d = x;
            assertThat(d).as("GET /algorithms defines " + name).isNotNull();
            waitFor(By.cssSelector("[data-testid='chart-diag-" + name + "']"));
            assertPanel("chart-diag-" + name, d.get("title").asString(), d);
            titles.add(d.get("title").asString());
        }
        assertThat(titles).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
        fullPageShot("15-lpom-objective-and-diagnostics");
    }

    /**
     * A parameter that does nothing with the chosen settings (GET /algorithms' noEffectWhen) is marked so in the form,
     * and the mark follows the settings: iPDLAM's α with mode minibatch and one iteration per visit, not with two.
     */
    @Test
    @Order(10)
    void theFormMarksParametersThatHaveNoEffectWithTheChosenSettings() {
        open("#/new");
        waitFor(By.cssSelector("[data-testid='new-job-form']"));
        new Select(field("algorithm")).selectByValue("ipdlam");
        By alphaNote = By.cssSelector("[data-testid='inert-params.alpha']");
        assertThat(waitText(alphaNote)).contains("mode = minibatch").contains("iterations = 1");
        assertThat(driver.findElement(By.cssSelector("[data-field='params.alpha']")).getAttribute("class")).contains("inert");
        assertThat(driver.findElement(By.cssSelector("[data-testid='inert-params.beta']")).isDisplayed()).as("β acts across batches").isFalse();
        assertThat(text(By.cssSelector("[data-field='params.alpha'] .help"))).contains("No effect when");
        fullPageShot("16-form-no-effect-parameters");
        type(field("params.iterations"), "2");
        until("α acts with two iterations per visit", () -> !driver.findElement(alphaNote).isDisplayed());
        new Select(field("params.mode")).selectByValue("full-batch");
        until("iterations does nothing in full-batch", () -> driver.findElement(By.cssSelector("[data-testid='inert-params.iterations']")).isDisplayed());
    }

    /**
     * The panel says what GET /algorithms says: its title, its definition and unit (served verbatim in data
     * attributes, shown typeset), and a y axis labelled by the unit — "dimensionless" for a pure number, never "1".
     */
    private void assertPanel(String testid, String title, JsonNode d) {
        WebElement panel = driver.findElement(By.cssSelector("[data-testid='" + testid + "']"));
        assertThat(panel.findElement(By.tagName("figcaption")).getText()).isEqualTo(title);
        WebElement def = panel.findElement(By.className("chart-def"));
        String unit = d.get("unit").asString();
        assertThat(def.getAttribute("data-definition")).isEqualTo(d.get("definition").asString());
        assertThat(def.getAttribute("data-unit")).isEqualTo(unit);
        boolean pure = unit.equals("1");
        assertThat(def.getText()).endsWith(pure ? " (dimensionless)" : " [" + unit + "]");
        String yLabel = pure ? "dimensionless" : unit;
        // uPlot draws the axis label on its canvas from the same string the plot's aria-label names
        assertThat(panel.findElement(By.className("chart-plot")).getAttribute("aria-label")).isEqualTo(title + ": " + yLabel + " per epoch");
    }

    // ---------------------------------------------------------------------------------------- helpers

    /** Loads the page at {@code hash}, afresh even when it is already open (a same-hash get would keep its state). */
    private void open(String hash) {
        String url = base + "/" + hash;
        if (url.equals(driver.getCurrentUrl())) driver.navigate().refresh();
        else driver.get(url);
    }

    private WebElement field(String name) {
        return driver.findElement(By.cssSelector("[data-testid='field-" + name + "']"));
    }

    private static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    private static List<String> optionValues(WebElement select) {
        return select.findElements(By.tagName("option")).stream().map(o -> o.getAttribute("value")).toList();
    }

    private WebElement waitFor(By by) {
        until("element " + by, () -> !driver.findElements(by).isEmpty() && driver.findElement(by).isDisplayed());
        return driver.findElement(by);
    }

    private String waitText(By by) {
        until("text in " + by, () -> !driver.findElements(by).isEmpty() && !driver.findElement(by).getText().isBlank());
        return driver.findElement(by).getText();
    }

    private String text(By by) {
        return driver.findElement(by).getText();
    }

    private String status() {
        List<WebElement> els = driver.findElements(By.cssSelector("[data-testid='job-view'] [data-testid='job-status']"));
        try {
            return els.isEmpty() ? "" : els.get(0).getAttribute("data-status");
        } catch (StaleElementReferenceException e) {
            return "";
        }
    }

    private String liveState() {
        return driver.findElement(By.id("live-state")).getAttribute("data-state");
    }

    private static boolean isFinal(String status) {
        return List.of("SUCCEEDED", "FAILED", "CANCELLED", "PRUNED").contains(status);
    }

    private int points(By chart) {
        List<WebElement> els = driver.findElements(chart);
        try {
            return els.isEmpty() ? 0 : Integer.parseInt(els.get(0).getAttribute("data-points"));
        } catch (StaleElementReferenceException e) {
            return 0;
        }
    }

    private List<Integer> epochRows() {
        Object r = ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(\"[data-testid='epoch-row']\")].map(e => Number(e.dataset.epoch));");
        List<Integer> out = new ArrayList<>();
        for (Object o : (List<?>) r) out.add(((Number) o).intValue());
        return out;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add(i);
        return out;
    }

    private void until(String what, BooleanSupplier condition) {
        until(what, condition, WAIT);
    }

    private void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (StaleElementReferenceException | NumberFormatException ignored) {
                // the page re-rendered between look-up and read: ask again
            }
            if (System.nanoTime() > deadline) {
                shot("timeout-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
                fail("timed out waiting for " + what);
            }
            sleep(50);
        }
    }

    private interface IoCondition {
        boolean get() throws Exception;
    }

    private void untilRest(String what, IoCondition condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            sleep(50);
        }
    }

    private String createJob(String name, String algorithm, int epochs, int batchSize, String params) throws Exception {
        String spec = """
                {"name": "%s", "algorithm": "%s", "dataset": "spirals", "task": "classification",
                 "layers": [2, 64, 64, 2], "activation": "relu", "loss": "cross-entropy",
                 "epochs": %d, "batchSize": %d, "seed": 3, "params": %s}""".formatted(name, algorithm, epochs, batchSize, params);
        HttpResponse<String> r = http.send(request("/jobs")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private String get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private int metricsCount(String id) throws Exception {
        Matcher m = Pattern.compile("\"epoch\"\\s*:").matcher(get("/jobs/" + id + "/metrics"));
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private void shot(String name) {
        Chromium.shot(driver, name);
    }

    /** A screenshot of the whole page, by growing the window to the document's height for a moment. */
    private void fullPageShot(String name) {
        Dimension before = driver.manage().window().getSize();
        Number height = (Number) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight;");
        driver.manage().window().setSize(new Dimension(before.getWidth(), Math.min(4000, height.intValue() + 140)));
        sleep(300);
        shot(name);
        driver.manage().window().setSize(before);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
