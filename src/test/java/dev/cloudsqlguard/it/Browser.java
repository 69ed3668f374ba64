package dev.cloudsqlguard.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium driven through Debian's chromedriver (packages {@code chromium} and
 * {@code chromium-driver}, installed by {@code .ci/setup}): no download, no network. {@code CHROMIUM} and
 * {@code CHROMEDRIVER} (environment) name other binaries. Runs as root, so without the sandbox, with a
 * fresh profile and every background service of the browser off.
 */
final class Browser implements AutoCloseable {

    private final ChromeDriver driver;
    private final Path profile;

    Browser(int width, int height) {
        String chromium = Objects.requireNonNullElse(System.getenv("CHROMIUM"), "/usr/bin/chromium");
        String chromedriver = Objects.requireNonNullElse(System.getenv("CHROMEDRIVER"), "/usr/bin/chromedriver");
        for (String binary : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new AssertionError(binary + " is missing: install the Debian packages chromium and chromium-driver "
                        + "(.ci/setup does), or name the binaries with CHROMIUM and CHROMEDRIVER");
            }
        }
        try {
            profile = Files.createTempDirectory("guard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    }

    void open(String url) {
        driver.get(url);
    }

    /** Runs {@code script} in the page and returns its value (a JSON-like map for an object). */
    Object eval(String script) {
        return driver.executeScript(script);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> evalMap(String script) {
        return (Map<String, Object>) driver.executeScript(script);
    }

    /** Everything the page wrote to the console (and every error the browser reported for it) so far. */
    List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** Writes a PNG of the window to {@code file} (its directory is created). */
    Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            dev.cloudsqlguard.fixture.PgFixture.deleteRecursively(profile);
        }
    }
}
