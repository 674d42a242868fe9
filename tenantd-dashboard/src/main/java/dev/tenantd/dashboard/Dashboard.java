package dev.tenantd.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * The web dashboard: a fixed set of static files served on the API listener at {@code /} and
 * under {@code /dashboard/}. The files are public; everything they show comes from the
 * {@code /client/v4} API, called by the browser with the token the user signs in with.
 *
 * <p>The files are read once from the classpath into memory, so a request can name only one of
 * them (no path is ever resolved against a directory). Every answer carries a strict
 * Content-Security-Policy: scripts and styles only from this origin, no inline code, API calls
 * only to this origin, no framing.
 */
public final class Dashboard {
    /** Where the dashboard's own files live; API routes stay under /client/v4. */
    public static final String ASSETS = "/dashboard/";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static final String RESOURCES = "static/";

    private final Map<String, Asset> assets;

    private Dashboard(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** One file of the dashboard, with the headers it is served with. */
    record Asset(String contentType, Buffer body, String etag) {
    }

    /** Loads the dashboard's files; fails at start-up if one is missing from the jar. */
    public static Dashboard load() {
        return new Dashboard(Map.of(
                "index.html", asset("index.html", "text/html; charset=utf-8"),
                "app.js", asset("app.js", "text/javascript; charset=utf-8"),
                "api.js", asset("api.js", "text/javascript; charset=utf-8"),
                "dom.js", asset("dom.js", "text/javascript; charset=utf-8"),
                "highlight.js", asset("highlight.js", "text/javascript; charset=utf-8"),
                "logs.js", asset("logs.js", "text/javascript; charset=utf-8"),
                "charts.js", asset("charts.js", "text/javascript; charset=utf-8"),
                "app.css", asset("app.css", "text/css; charset=utf-8")));
    }

    /** Serves {@code /} (the page) and {@code /dashboard/<file>} (its scripts and styles) on a router. */
    public void mount(Router router) {
        Objects.requireNonNull(router, "router");
        router.get("/").handler(ctx -> send(ctx, assets.get("index.html")));
        router.get(ASSETS + ":file").handler(ctx -> {
            Asset asset = assets.get(ctx.pathParam("file"));
            if (asset == null) {
                ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                        .end("No such dashboard file. The dashboard is at /.\n");
                return;
            }
            send(ctx, asset);
        });
    }

    private static void send(RoutingContext ctx, Asset asset) {
        var response = ctx.response();
        response.putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                .putHeader("x-frame-options", "DENY")
                // A worker's page that opens the dashboard gets no handle on its window.
                .putHeader("cross-origin-opener-policy", "same-origin")
                // Revalidated on every load: a new tenantd's files are picked up at once.
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader(HttpHeaders.ETAG, asset.etag());
        if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType()).end(asset.body());
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard file " + name + " is missing from the tenantd-dashboard jar");
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
            return new Asset(contentType, Buffer.buffer(bytes), etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
