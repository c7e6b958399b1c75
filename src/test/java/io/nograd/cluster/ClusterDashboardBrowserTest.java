package io.nograd.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.nograd.dashboard.Chromium;
import io.nograd.system.Api;

/**
 * The dashboard's cluster panel in headless Chromium against two real node JVMs sharing a real PostgreSQL:
 * the jobs page of node 1 lists both members (node 1 marked as this node), their slots, the job running on
 * whichever node claimed it (a link to its view) and the queue; the job view names the node running it.
 * Screenshots land in {@code target/screenshots/cluster-*.png}.
 */
class ClusterDashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    static Postgres pg;
    static Path root;
    static Path profile;
    static final List<Node> nodes = new ArrayList<>();
    static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Chromium.requireInstalledAndBuilt();
        pg = Postgres.start();
        String url = pg.createDatabase("nograd");
        root = Files.createTempDirectory("nograd-cluster-ui-");
        List<Integer> hzPorts = List.of(Node.freePort(), Node.freePort());
        for (int i = 0; i < 2; i++) nodes.add(new Node("node" + (i + 1), hzPorts.get(i), root.resolve("node" + (i + 1))));
        // both at once: Flyway's lock in PostgreSQL lets one migrate while the other waits, and it halves start-up
        for (Node n : nodes) n.start(url, hzPorts);
        for (Node n : nodes) n.awaitUp();
        Api api = nodes.get(0).api();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (api.getJson("/cluster").get("members").size() < 2) {
            if (System.nanoTime() > deadline) fail("two members: " + api.getJson("/cluster"));
            Api.sleep(200);
        }
        profile = Files.createTempDirectory("nograd-chromium-cluster");
        driver = Chromium.start(profile);
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) driver.quit();
        for (Node n : nodes) n.kill();
        if (pg != null) pg.close();
        for (Path dir : new Path[] {root, profile}) {
            if (dir == null) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void thePanelListsTheMembersTheirSlotsAndARunningJobAndTheJobViewNamesItsNode() {
        Api api = nodes.get(0).api();
        String id = api.submit(ClusterProcessTest.slow("cluster panel", 200, 3));
        String runner = awaitRunningNode(api, id);

        driver.get(api.base() + "/#/jobs");
        By rows = By.cssSelector("[data-testid='cluster-member']");
        until("the panel lists both members", () -> driver.findElements(rows).size() == 2
                && driver.findElement(By.cssSelector("[data-testid='cluster-panel']")).isDisplayed());
        List<WebElement> members = driver.findElements(rows);
        assertThat(members).extracting(m -> m.getAttribute("data-node")).containsExactlyInAnyOrder("node1", "node2");
        WebElement local = members.stream().filter(m -> "true".equals(m.getAttribute("data-local"))).findFirst().orElseThrow();
        assertThat(local.getAttribute("data-node")).as("the page's own node is marked").isEqualTo("node1");
        assertThat(local.findElements(By.cssSelector("[data-testid='cluster-local']"))).hasSize(1);
        assertThat(members).allSatisfy(m -> assertThat(m.getText()).contains("127.0.0.1:"));

        // the running job appears, as a link, in the row of the node that claimed it (polled: it may take a refresh)
        By jobLink = By.cssSelector("[data-testid='cluster-member'][data-node='" + runner + "'] [data-testid='cluster-job'][data-job-id='" + id + "']");
        until("the running job in " + runner + "'s row", () -> !driver.findElements(jobLink).isEmpty());
        String slots = driver.findElement(By.cssSelector("[data-testid='cluster-member'][data-node='" + runner + "'] [data-testid='cluster-slots']")).getText();
        assertThat(slots).as("used / total slots").matches("1 / [1-9]\\d*");
        assertThat(driver.findElement(By.cssSelector("[data-testid='cluster-summary']")).getText()).contains("2 members", "1 running", "0 queued");
        Chromium.shot(driver, "cluster-01-panel");

        driver.findElement(jobLink).click();
        By node = By.cssSelector("[data-testid='job-node'] dd");
        until("the job view names the node", () -> !driver.findElements(node).isEmpty() && runner.equals(driver.findElement(node).getText()));
        Chromium.shot(driver, "cluster-02-job-node");
        api.post("/jobs/" + id + "/cancel", java.util.Map.of());
    }

    private static String awaitRunningNode(Api api, String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var job = api.getJson("/jobs/" + id);
            if ("RUNNING".equals(job.get("status").asString()) && job.hasNonNull("node")) return job.get("node").asString();
            Api.sleep(50);
        }
        throw new AssertionError("job " + id + " did not start: " + api.getJson("/jobs/" + id));
    }

    private static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (StaleElementReferenceException ignored) {
                // the panel re-rendered between look-up and read: ask again
            }
            if (System.nanoTime() > deadline) {
                Chromium.shot(driver, "cluster-timeout");
                fail("timed out waiting for " + what);
            }
            Api.sleep(100);
        }
    }
}
