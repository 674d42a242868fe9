package dev.tenantd.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
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

    /**
     * Skips the calling test class, saying how to install them, when Chromium or its driver is
     * missing on a developer's machine. Where {@code TENANTD_REQUIRE_BROWSER=1} (set by .ci/run,
     * which installs both) a missing browser fails the tests instead, so CI always runs them.
     */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "Chromium is not installed (/usr/bin/chromium and /usr/bin/chromedriver); install them with: "
                + "apt-get install chromium chromium-driver (.ci/run does)";
        if ("1".equals(System.getenv("TENANTD_REQUIRE_BROWSER"))) {
            Assertions.assertTrue(installed, missing + ". TENANTD_REQUIRE_BROWSER=1 says the browser tests must run.");
        }
        Assumptions.assumeTrue(installed, missing + ": the dashboard's browser tests are skipped.");
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
