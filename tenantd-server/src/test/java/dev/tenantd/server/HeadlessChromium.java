package dev.tenantd.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's Chromium and its driver, headless, for the dashboard's browser tests. */
final class HeadlessChromium {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Skips the calling test class, saying how to install them, when Chromium or its driver is missing. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is not installed (/usr/bin/chromium and /usr/bin/chromedriver): the dashboard's browser tests "
                        + "are skipped. Install them with: apt-get install chromium chromium-driver (.ci/run does).");
    }

    /** A new browser with a window of this size. */
    static WebDriver open(int width, int height) {
        // The driver and the browser are named outright, so Selenium Manager never runs (and never downloads).
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--no-first-run", "--lang=en-US");
        return new ChromeDriver(service, options);
    }
}
