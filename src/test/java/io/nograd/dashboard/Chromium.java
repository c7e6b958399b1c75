package io.nograd.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the dashboard's browser tests (Debian's {@code chromium} + {@code chromium-driver},
 * installed by scripts/setup.sh), and screenshots into {@code target/screenshots/}.
 */
public final class Chromium {

    public static final Path SHOTS = Path.of("target", "screenshots");
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** Fails the test unless the browser is installed and the dashboard was built into the class path. */
    public static void requireInstalledAndBuilt() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            fail("the dashboard test needs Debian's chromium and chromium-driver (scripts/setup.sh installs them)");
        }
        if (Chromium.class.getResource("/static/index.html") == null) {
            fail("target/classes/static/index.html is missing: build the dashboard (mvn without -Dskip.frontend)");
        }
    }

    /** A headless browser with its own profile directory, 1400×1000. */
    public static ChromeDriver start(Path profile) throws java.io.IOException {
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png}; a failure is logged, not thrown. */
    public static void shot(ChromeDriver driver, String name) {
        try {
            Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.move(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            System.err.println("screenshot " + name + " failed: " + e);
        }
    }
}
