package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.ScriptLimits;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.store.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver), against a
 * real tenantd holding 2,000 scripts. Screenshots go to target/screenshots, and to docs/images
 * when the build runs with {@code -Dtenantd.docs.screenshots=true}.
 */
class DashboardBrowserTest {
    private static final int SCRIPTS = 2000;
    /**
     * How long a condition may take to show: a headless browser on a busy two-core machine, the
     * whole suite running beside it, has taken more than 30 s to show a page.
     */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static TestServer t;
    static WebDriver driver;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        seedCustomers();
        t = new TestServer(dir, List.of());
        base = "http://127.0.0.1:" + t.server.apiPort();
        TestServer.Reply vip = t.putModule(t.accountApi("/workers/dispatch/namespaces/customers/scripts/cust-1234"),
                "{\"main_module\":\"w.js\",\"compatibility_date\":\"2024-09-23\",\"tags\":[\"plan-free\",\"cust-1234\",\"vip-gold\"]}",
                "w.js", moduleOf("cust-1234"));
        assertThat(vip.status()).as(vip.body()).isEqualTo(200);
        t.createNamespace("uploads");
        TestServer.Reply dispatcher = t.putModule(t.accountApi("/workers/scripts/dispatcher"),
                "{\"main_module\":\"d.js\",\"compatibility_date\":\"2024-09-23\",\"bindings\":["
                        + "{\"type\":\"dispatch_namespace\",\"name\":\"dispatcher\",\"namespace\":\"uploads\"}]}",
                "d.js", """
                        export default {
                          async fetch(request, env) {
                            const customer = new URL(request.url).pathname.split('/')[1];
                            try {
                              return await env.dispatcher.get(customer).fetch(request);
                            } catch (e) {
                              return new Response('no worker ' + customer, { status: 404 });
                            }
                          },
                        };
                        """);
        assertThat(dispatcher.status()).as(dispatcher.body()).isEqualTo(200);
        driver = HeadlessChromium.open(1100, 800);
    }

    /**
     * 2,000 tagged scripts in "customers". All but one are written straight into the store before
     * the server starts (uploading them one by one through V8 validation takes minutes); cust-1234,
     * the one the search must find, is uploaded through the API with the tag vip-gold.
     */
    private static void seedCustomers() {
        String at = java.time.Instant.now().toString();
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.ensureAccount(TestServer.ACCOUNT, "default");
            Namespace customers = store.createNamespace(TestServer.ACCOUNT, "customers").orElseThrow();
            // one module for all of them: the blob store keeps identical content once
            byte[] code = moduleOf("a seeded customer").getBytes(StandardCharsets.UTF_8);
            String blob = new BlobStore(dir.resolve("blobs")).put(code, "a module");
            for (int i = 0; i < SCRIPTS; i++) {
                String name = "cust-%04d".formatted(i);
                if (i == 1234) {
                    continue;
                }
                ScriptRef ref = new ScriptRef(TestServer.ACCOUNT, customers.id(), name);
                String version = UUID.randomUUID().toString();
                store.saveVersion(ref, new ScriptVersion(version, "", 1, "w.js", false, "2024-09-23", List.of(),
                        List.of(new ModuleRef("w.js", ModuleType.ES_MODULE, blob, code.length)),
                        List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, BlobStore.sha256(code), 1, at, "api", ""),
                        Optional.of(new Deployment(UUID.randomUUID().toString(), at, List.of(new Deployment.Split(version, 100)),
                                null, "api")));
                store.setTags(ref, List.of(i % 3 == 0 ? "plan-pro" : "plan-free", name));
            }
        }
    }

    private static String moduleOf(String name) {
        return "// the worker of " + name + "\nexport default {\n  fetch() {\n    return new Response('hello from "
                + name + "');\n  },\n};\n";
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
    void freshTab() {
        driver.get(base + "/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");
    }

    @Test
    void signs_in_with_a_token_and_lists_namespaces_with_their_script_counts() throws Exception {
        signIn(TestServer.TOKEN);
        WebElement customers = waitFor(By.xpath("//table[@id='namespaces']//tr[td/a[text()='customers']]"));
        assertThat(customers.findElements(By.tagName("td")).get(1).getText()).isEqualTo("2000");
        assertThat(driver.findElement(By.id("who")).getText()).contains("account");
        screenshot("dashboard-namespaces.png");
    }

    @Test
    void finds_one_script_among_2000_by_tag_and_shows_its_highlighted_code() throws Exception {
        signIn(TestServer.TOKEN);
        waitFor(By.linkText("customers")).click();
        waitUntilText(By.id("page-info"), "1–50 of 2,000");
        driver.findElement(By.xpath("//nav[@class='pager']/button[contains(., 'Next')]")).click();
        waitUntilText(By.id("page-info"), "51–100 of 2,000");
        assertThat(driver.findElements(By.cssSelector("#scripts tbody tr"))).hasSize(50);

        driver.findElement(By.id("search-prefix")).sendKeys("cust-19");
        waitUntilText(By.id("page-info"), "1–50 of 100");
        driver.findElement(By.id("search-prefix")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        waitUntilText(By.id("page-info"), "1–50 of 2,000");

        driver.findElement(By.id("search-tag")).sendKeys("vip-gold");
        waitUntilText(By.id("page-info"), "1–1 of 1");
        List<WebElement> rows = driver.findElements(By.cssSelector("#scripts tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("cust-1234", "vip-gold");
        screenshot("dashboard-search.png");

        rows.get(0).findElement(By.linkText("cust-1234")).click();
        waitUntilText(By.id("script-name"), "cust-1234");
        WebElement code = waitFor(By.cssSelector("#section-code pre.code"));
        assertThat(code.getText()).contains("return new Response('hello from cust-1234');");
        assertThat(code.findElements(By.cssSelector(".tok-keyword"))).extracting(WebElement::getText).contains("export", "return");
        assertThat(code.findElements(By.cssSelector(".tok-string"))).extracting(WebElement::getText)
                .contains("'hello from cust-1234'");
        assertThat(driver.findElement(By.id("script-tags")).getText()).contains("vip-gold", "plan-free");
        assertThat(driver.findElement(By.id("section-versions")).getText()).contains("api");
        screenshot("dashboard-script.png");
    }

    @Test
    void uploads_a_script_through_the_form_and_the_dispatcher_routes_to_it() throws Exception {
        assertThat(t.worker("GET", "dispatcher.localhost", "/acme", null).body()).isEqualTo("no worker acme");
        signIn(TestServer.TOKEN);
        driver.get(base + "/#/ns/uploads");
        waitFor(By.id("upload-id")).sendKeys("acme");
        WebElement script = driver.findElement(By.id("upload-script"));
        script.clear();
        script.sendKeys("export default { fetch: () => new Response('made in the form') };");
        driver.findElement(By.cssSelector("#upload button[type=submit]")).click();
        waitUntilText(By.id("upload-message"), "Uploaded acme.");
        waitFor(By.linkText("acme"));
        screenshot("dashboard-upload.png");

        TestServer.Reply routed = t.worker("GET", "dispatcher.localhost", "/acme", null);
        assertThat(routed.status()).isEqualTo(200);
        assertThat(routed.body()).isEqualTo("made in the form");
    }

    @Test
    void the_upload_form_refuses_a_customer_id_that_is_no_script_name() {
        signIn(TestServer.TOKEN);
        driver.get(base + "/#/ns/uploads");
        waitFor(By.id("upload-id")).sendKeys("../../scripts/dispatcher");
        // the browser's own pattern check would stop the form first; the dashboard's check is what this test is about
        ((JavascriptExecutor) driver).executeScript("document.getElementById('upload').noValidate = true;");
        driver.findElement(By.cssSelector("#upload button[type=submit]")).click();
        waitUntilText(By.id("upload-message"), "A customer id is 1 to 63 lowercase letters");
        assertThat(t.worker("GET", "dispatcher.localhost", "/", null).status()).isEqualTo(404);
    }

    @Test
    void deleting_a_script_asks_for_confirmation_first() throws Exception {
        assertThat(t.putJs(t.accountApi("/workers/dispatch/namespaces/uploads/scripts/doomed"),
                "addEventListener('fetch', (e) => e.respondWith(new Response('still here')));").status()).isEqualTo(200);
        signIn(TestServer.TOKEN);
        driver.get(base + "/#/ns/uploads/scripts/doomed");
        waitFor(By.id("delete")).click();
        waitFor(By.id("confirm-cancel")).click();
        waitUntilGone(By.id("confirm-delete"));
        assertThat(t.get(t.accountApi("/workers/dispatch/namespaces/uploads/scripts/doomed")).status()).isEqualTo(200);

        driver.findElement(By.id("delete")).click();
        assertThat(waitFor(By.id("confirm-delete")).getText()).contains("Delete the script doomed from uploads?");
        screenshot("dashboard-delete.png");
        driver.findElement(By.id("confirm-yes")).click();
        waitUntilText(By.id("notice"), "Deleted doomed.");
        assertThat(t.get(t.accountApi("/workers/dispatch/namespaces/uploads/scripts/doomed")).status()).isEqualTo(404);
        assertThat(t.worker("GET", "dispatcher.localhost", "/doomed", null).body()).isEqualTo("no worker doomed");
    }

    @Test
    void a_script_that_does_not_exist_gets_a_clear_message() {
        signIn(TestServer.TOKEN);
        driver.get(base + "/#/ns/customers/scripts/no-such-script");
        assertThat(waitFor(By.cssSelector("main p.error")).getText()).containsIgnoringCase("not");
        assertThat(driver.findElement(By.linkText("Back to the namespaces")).isDisplayed()).isTrue();
    }

    @Test
    void a_wrong_token_gets_the_sign_in_page_with_a_clear_message() throws Exception {
        signIn("not-a-token-of-this-server");
        waitUntilText(By.id("signin-message"), "That token was refused: Authentication error: the API token is not valid.");
        assertThat(driver.findElements(By.id("namespaces"))).isEmpty();
        screenshot("dashboard-signin-refused.png");
    }

    @Test
    void a_token_refused_later_ends_the_session_and_shows_why() {
        // a session whose token no longer works, as after the token is revoked
        ((JavascriptExecutor) driver).executeScript("sessionStorage.setItem('tenantd.dashboard.session', "
                + "JSON.stringify({token: 'revoked-token', account: '" + TestServer.ACCOUNT + "', accountName: 'default'}));");
        driver.get(base + "/#/ns/customers");
        waitUntilText(By.id("notice"), "Your token was refused; sign in again.");
        waitFor(By.id("token"));
        assertThat(driver.getCurrentUrl()).endsWith("#/signin");
        assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('tenantd.dashboard.session')")).isNull();
    }

    @Test
    void code_and_tags_chosen_by_a_tenant_are_shown_as_text_never_as_markup() {
        String hostile = "addEventListener('fetch', (e) => e.respondWith(new Response('x')));\n"
                + "// </code></pre><img id=pwned src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>\n";
        assertThat(t.putJs(t.accountApi("/workers/dispatch/namespaces/uploads/scripts/hostile"), hostile).status()).isEqualTo(200);
        assertThat(t.send(t.authed(t.accountApi("/workers/dispatch/namespaces/uploads/scripts/hostile/tags"))
                .header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("[\"<img/src=x/onerror=window.pwned=3>\"]"))).status()).isEqualTo(200);
        signIn(TestServer.TOKEN);
        driver.get(base + "/#/ns/uploads/scripts/hostile");
        WebElement code = waitFor(By.cssSelector("#section-code pre.code"));
        assertThat(code.getText()).contains("<img id=pwned src=x onerror=\"window.pwned=1\">");
        assertThat(driver.findElement(By.id("script-tags")).getText()).contains("<img/src=x/onerror=window.pwned=3>");
        assertThat(driver.findElements(By.id("pwned"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#script-tags img"))).isEmpty();
        assertThat(((JavascriptExecutor) driver).executeScript("return window.pwned === undefined")).isEqualTo(true);
    }

    // ---- helpers

    private static void signIn(String token) {
        driver.get(base + "/#/signin");
        waitFor(By.id("token")).sendKeys(token);
        driver.findElement(By.cssSelector("#signin button[type=submit]")).click();
        if (token.equals(TestServer.TOKEN)) {
            waitFor(By.id("namespaces"));
        }
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void waitUntilText(By by, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    private static void waitUntilGone(By by) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(by));
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
