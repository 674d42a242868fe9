package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.observability.InvocationEntry;
import dev.tenantd.store.sqlite.SqliteInvocationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A script's logs, live logs and analytics in the dashboard, in a real headless Chromium against
 * a real tenantd whose dispatch worker routes to a customer's worker that logs. An hour-old
 * invocation is written into invocations.sqlite before the server starts.
 */
class DashboardLogsBrowserTest {
    private static final long HOUR_AGO = System.currentTimeMillis() - 61 * 60_000L;

    @TempDir
    static Path dir;
    static TestServer t;
    static WebDriver driver;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        try (SqliteInvocationStore store = SqliteInvocationStore.open(dir, 1)) {
            store.insert(List.of(new InvocationEntry("old-1", HOUR_AGO, "0123456789abcdef", TestServer.ACCOUNT, "shop",
                    "acme", "v-old", List.of("plan-gold"), "ok", 200, 1.5, 2.5, 0, "GET", "acme.example", "/cart",
                    List.of(new InvocationEntry.LogLine("log", "[\"an hour ago: cart of\",{\"items\":3},\"<img id=pwned src=x onerror=window.pwned=1>\"]", HOUR_AGO)),
                    false, Optional.empty())));
        }
        // The namespace and the worker have been there for longer than that hour: made by a first
        // start of the server and dated back before the second (a script's logs are those from
        // its creation on).
        TestServer first = new TestServer(dir, List.of());
        try {
            setUp(first);
        } finally {
            first.close();
        }
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tenantd.db"));
                java.sql.Statement st = db.createStatement()) {
            String before = dev.tenantd.platform.Platform.TIMESTAMP.format(java.time.Instant.ofEpochMilli(HOUR_AGO - 60_000));
            st.executeUpdate("UPDATE namespaces SET created_on = '" + before + "'");
            st.executeUpdate("UPDATE scripts SET created_on = '" + before + "'");
        }
        t = new TestServer(dir, List.of());
        base = "http://127.0.0.1:" + t.server.apiPort();
        driver = HeadlessChromium.open(1100, 1400);
    }

    private static void setUp(TestServer t) {
        t.createNamespace("shop");
        TestServer.Reply acme = t.putModule(t.accountApi("/workers/dispatch/namespaces/shop/scripts/acme"),
                "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-09-23\",\"tags\":[\"plan-gold\"]}", "w.js", """
                        export default {
                          fetch(request) {
                            const path = new URL(request.url).pathname;
                            console.log('served', path);
                            if (path.startsWith('/boom')) throw new TypeError('the cart is gone');
                            return new Response('acme ' + path);
                          },
                        };
                        """);
        assertThat(acme.status()).as(acme.body()).isEqualTo(200);
        TestServer.Reply dispatcher = t.putModule(t.accountApi("/workers/scripts/dispatcher"),
                "{\"main_module\":\"d.js\",\"compatibility_date\":\"2024-09-23\",\"bindings\":["
                        + "{\"type\":\"dispatch_namespace\",\"name\":\"shop\",\"namespace\":\"shop\"}]}",
                "d.js", "export default { fetch: (request, env) => env.shop.get('acme').fetch(request) };");
        assertThat(dispatcher.status()).as(dispatcher.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (t != null) {
            t.close();
        }
    }

    @BeforeEach
    void signIn() {
        driver.get(base + "/#/signin");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");
        driver.get(base + "/#/signin");
        waitFor(By.id("token")).sendKeys(TestServer.TOKEN);
        driver.findElement(By.cssSelector("#signin button[type=submit]")).click();
        waitFor(By.id("namespaces"));
    }

    @Test
    void a_scripts_logs_page_back_to_an_hour_old_console_line_and_filter_by_text_and_outcome() throws Exception {
        // 25 newer invocations fill the first page: the hour-old one is on the second
        for (int i = 0; i < 25; i++) {
            assertThat(t.worker("GET", "dispatcher.localhost", "/page-" + i, null).status()).isEqualTo(200);
        }
        assertThat(t.worker("GET", "dispatcher.localhost", "/boom-logs", null).status()).isEqualTo(500);
        // the writer stores records in the order they end: once this one is stored, so are the 25
        awaitStored("q=boom-logs");
        driver.get(base + "/#/ns/shop/scripts/acme");
        waitUntilText(By.id("logs-list"), "TypeError: the cart is gone");
        List<WebElement> records = driver.findElements(By.cssSelector("#logs-list article"));
        assertThat(records).hasSize(25);
        // newest first (invocations within one millisecond may come in either order)
        assertThat(records).extracting(WebElement::getText)
                .anySatisfy(text -> assertThat(text).contains("exception 500 GET /boom", "served /boom"));
        assertThat(driver.findElement(By.id("logs-list")).getText()).doesNotContain("an hour ago");

        WebElement older = waitFor(By.id("logs-older"));
        scrollTo(older);
        older.click();
        waitUntilText(By.id("logs-list"), "an hour ago: cart of {\"items\":3}");
        records = driver.findElements(By.cssSelector("#logs-list article"));
        assertThat(records.get(records.size() - 1).getText()).contains("an hour ago", "200 GET /cart", "CPU 1.50 ms");
        scrollTo(records.get(records.size() - 1));
        screenshot("dashboard-logs.png");
        // a console line is text, never markup
        assertThat(driver.findElement(By.id("logs-list")).getText()).contains("<img id=pwned src=x onerror=window.pwned=1>");
        assertThat(driver.findElements(By.id("pwned"))).isEmpty();
        assertThat(((JavascriptExecutor) driver).executeScript("return window.pwned === undefined")).isEqualTo(true);

        driver.findElement(By.id("logs-q")).sendKeys("hour ago");
        waitUntilCount(By.cssSelector("#logs-list article"), 1);
        assertThat(driver.findElement(By.id("logs-list")).getText()).contains("an hour ago").doesNotContain("TypeError");

        driver.findElement(By.id("logs-q")).clear();
        new Select(driver.findElement(By.id("logs-outcome"))).selectByValue("exception");
        // every /boom is an exception (another test may have made one too); nothing else is. The
        // list is drawn again as the filter's answer arrives: an entry read meanwhile is stale.
        settled(d -> {
            List<WebElement> shown = d.findElements(By.cssSelector("#logs-list article"));
            return !shown.isEmpty() && shown.stream().allMatch(a -> a.getText().contains("exception 500 GET /boom"));
        });
        assertThat(driver.findElement(By.id("logs-list")).getText()).contains("TypeError: the cart is gone")
                .doesNotContain("an hour ago", "/page-");
    }

    @Test
    void live_logs_show_a_new_invocation_as_it_happens_and_delete_the_tail_when_left() throws Exception {
        driver.get(base + "/#/ns/shop/scripts/acme");
        waitFor(By.id("live-start")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(
                ExpectedConditions.attributeToBe(By.id("live-state"), "data-connected", "true"));
        assertThat(tails()).contains("\"id\"");

        assertThat(t.worker("GET", "dispatcher.localhost", "/live-one", null).body()).isEqualTo("acme /live-one");
        waitUntilText(By.id("live-events"), "served /live-one");
        scrollTo(driver.findElement(By.id("section-live")));
        assertThat(driver.findElement(By.id("live-events")).getText()).contains("ok", "200 GET /live-one");
        screenshot("dashboard-live.png");

        driver.get(base + "/#/ns/shop");
        waitFor(By.id("search-prefix"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (tails().contains("\"id\"") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(tails()).as("the tail is deleted when the view is left").doesNotContain("\"id\"");

        driver.get(base + "/#/ns/shop/scripts/acme");
        waitFor(By.id("live-start")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(
                ExpectedConditions.attributeToBe(By.id("live-state"), "data-connected", "true"));
        assertThat(tails()).contains("\"id\"");
        driver.get("about:blank");
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (tails().contains("\"id\"") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(tails()).as("the tail is deleted when the page is closed").doesNotContain("\"id\"");
    }

    @Test
    void the_request_chart_moves_after_traffic() throws Exception {
        driver.get(base + "/#/ns/shop/scripts/acme");
        waitFor(By.id("chart-requests"));
        int before = chartValue("requests", "requests");
        for (int i = 0; i < 5; i++) {
            assertThat(t.worker("GET", "dispatcher.localhost", "/chart-" + i, null).status()).isEqualTo(200);
        }
        int errorsBefore = chartValue("errors", "errors");
        assertThat(t.worker("GET", "dispatcher.localhost", "/boom", null).status()).isEqualTo(500);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int after = before;
        int errors = errorsBefore;
        while ((after < before + 6 || errors < errorsBefore + 1) && System.nanoTime() < deadline) {
            driver.findElement(By.id("analytics-refresh")).click();
            Thread.sleep(300);
            after = chartValue("requests", "requests");
            errors = chartValue("errors", "errors");
        }
        assertThat(after).isGreaterThanOrEqualTo(before + 6);
        assertThat(errors).isEqualTo(errorsBefore + 1);
        assertThat(driver.findElements(By.cssSelector("#chart-requests svg polyline"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#chart-cpu svg polyline"))).hasSize(2);
        scrollTo(driver.findElement(By.id("section-analytics")));
        screenshot("dashboard-analytics.png");

        // the hour-old invocation is outside the last hour and inside the last day
        new Select(driver.findElement(By.id("analytics-range"))).selectByValue("day");
        int hour = after;
        settled(d ->
                chartValue("requests", "requests") >= hour + 1);

        // the namespace's page charts its scripts together, or those carrying a tag
        driver.get(base + "/#/ns/shop");
        settled(d ->
                chartValue("requests", "requests") >= hour);
        driver.findElement(By.id("analytics-tag")).sendKeys("no-such-tag");
        settled(d ->
                chartValue("requests", "requests") == 0);
        driver.findElement(By.id("analytics-tag")).clear();
        driver.findElement(By.id("analytics-tag")).sendKeys("plan-gold");
        settled(d ->
                chartValue("requests", "requests") >= hour);
    }

    // ---- helpers

    /**
     * Waits until {@code condition} holds of the page. The page draws a list again as an answer
     * arrives, so an element found a moment before can be gone when read: that try is repeated.
     */
    private static void settled(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** Records are written a moment after the invocation ends; waits until the logs API has one matching. */
    private static void awaitStored(String query) {
        Await.value(() -> {
            TestServer.Reply page = t.get(t.accountApi("/workers/observability/invocations?namespace=shop&" + query));
            return page.status() == 200 && page.body().contains("\"script_name\":\"acme\"") ? page : null;
        }, "a record matching " + query);
    }

    private static String tails() {
        TestServer.Reply list = t.get(t.accountApi("/workers/dispatch/namespaces/shop/scripts/acme/tails"));
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        return list.body();
    }

    /**
     * A chart's total, read in one script call: a refresh replaces the chart's element, so a
     * found element can go stale before its attribute is read. -1 while no chart is drawn.
     */
    private static int chartValue(String chart, String key) {
        Object value = ((JavascriptExecutor) driver).executeScript(
                "const c = document.getElementById('chart-' + arguments[0]); return c ? c.dataset[arguments[1]] : null;", chart, key);
        return value == null ? -1 : Integer.parseInt(value.toString());
    }

    private static void scrollTo(WebElement element) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void waitUntilText(By by, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    private static void waitUntilCount(By by, int count) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.numberOfElementsToBe(by, count));
    }

    private static void screenshot(String name) throws Exception {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Path out = Path.of("target", "screenshots", name);
        Files.createDirectories(out.getParent());
        Files.write(out, png);
        if (Boolean.getBoolean("tenantd.docs.screenshots")) {
            Path docs = Path.of("..", "docs", "images", name);
            Files.createDirectories(docs.getParent());
            Files.write(docs, png);
        }
    }
}
