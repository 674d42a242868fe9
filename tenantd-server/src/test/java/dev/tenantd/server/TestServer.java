package dev.tenantd.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantd.platform.Route;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A real tenantd on random loopback ports, and an HTTP client for it. */
final class TestServer implements AutoCloseable {
    static {
        // Worker traffic is routed by Host; the JDK client sends a custom Host only when allowed.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    static final String ACCOUNT = "acct-test";
    static final String TOKEN = "test-token-" + UUID.randomUUID();
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dataDir;
    final TenantdServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(Path dataDir, List<Route> routes) {
        this(dataDir, routes, 10L * 1024 * 1024);
    }

    TestServer(Path dataDir, List<Route> routes, long scriptSize) {
        this(dataDir, routes, dev.tenantd.platform.Limits.defaults().withScriptSizeBytes(scriptSize));
    }

    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.Limits limits) {
        this(dataDir, routes, limits, dev.tenantd.platform.EgressPolicy.OPEN);
    }

    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.Limits limits, dev.tenantd.platform.EgressPolicy egress) {
        this(dataDir, routes, limits, egress, ListenerLimits.defaults());
    }

    TestServer(Path dataDir, List<Route> routes, ListenerLimits listenerLimits) {
        this(dataDir, routes, dev.tenantd.platform.Limits.defaults(), dev.tenantd.platform.EgressPolicy.OPEN, listenerLimits);
    }

    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.Limits limits, dev.tenantd.platform.EgressPolicy egress,
            ListenerLimits listenerLimits) {
        this(dataDir, routes, limits, egress, listenerLimits, ServerConfig.Capacity.defaults());
    }

    TestServer(Path dataDir, List<Route> routes, ServerConfig.Capacity capacity) {
        this(dataDir, routes, dev.tenantd.platform.Limits.defaults(), dev.tenantd.platform.EgressPolicy.OPEN,
                ListenerLimits.defaults(), capacity);
    }

    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.Limits limits, dev.tenantd.platform.EgressPolicy egress,
            ListenerLimits listenerLimits, ServerConfig.Capacity capacity) {
        this.dataDir = dataDir;
        this.server = TenantdServer.start(new ServerConfig(dataDir, new ServerConfig.HostPort("127.0.0.1", 0),
                new ServerConfig.HostPort("127.0.0.1", 0), ACCOUNT, TOKEN, routes, "localhost", limits, egress, 2,
                listenerLimits, capacity));
    }

    /** A server with these D1 limits and every other setting at its default. */
    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.d1.D1Limits d1) {
        this(dataDir, defaults(dataDir, routes).withD1(d1));
    }

    /** A server with these cache limits and every other setting at its default. */
    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.cache.CacheLimits cache) {
        this(dataDir, defaults(dataDir, routes).withCache(cache));
    }

    /** A server with these KV settings and every other setting at its default. */
    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.kv.KvSettings kv) {
        this(dataDir, defaults(dataDir, routes).withKv(kv));
    }

    /** A server with these invocation record settings and every other setting at its default. */
    TestServer(Path dataDir, List<Route> routes, dev.tenantd.platform.observability.ObservabilitySettings observability) {
        this(dataDir, defaults(dataDir, routes).withObservability(observability));
    }

    /** A server with these metrics settings and every other setting at its default. */
    TestServer(Path dataDir, List<Route> routes, dev.tenantd.server.metrics.MetricsConfig metrics) {
        this(dataDir, defaults(dataDir, routes).withMetrics(metrics));
    }

    private TestServer(Path dataDir, ServerConfig config) {
        this.dataDir = dataDir;
        this.server = TenantdServer.start(config);
    }

    /** {@code tenantd_bodies_buffered_bytes} from the server's metrics: bodies held in memory on their way. */
    double bodiesBuffered() {
        String metrics = send(authed("http://127.0.0.1:" + server.apiPort() + "/metrics").GET()).body();
        return metrics.lines().filter(l -> l.startsWith("tenantd_bodies_buffered_bytes ")).mapToDouble(l ->
                Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    /** Loopback on free ports, the test account and token, and every setting at its default. */
    static ServerConfig defaults(Path dataDir, List<Route> routes) {
        return new ServerConfig(dataDir, new ServerConfig.HostPort("127.0.0.1", 0), new ServerConfig.HostPort("127.0.0.1", 0),
                ACCOUNT, TOKEN, routes, "localhost", dev.tenantd.platform.Limits.defaults(),
                dev.tenantd.platform.EgressPolicy.OPEN, 2, ListenerLimits.defaults(), ServerConfig.Capacity.defaults());
    }

    String api(String path) {
        return "http://127.0.0.1:" + server.apiPort() + "/client/v4" + path;
    }

    String accountApi(String path) {
        return api("/accounts/" + ACCOUNT + path);
    }

    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        int code() {
            return json().path("errors").path(0).path("code").asInt();
        }

        String message() {
            return json().path("errors").path(0).path("message").asText();
        }
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder authed(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN);
    }

    Reply get(String url) {
        return send(authed(url).GET());
    }

    Reply delete(String url) {
        return send(authed(url).DELETE());
    }

    Reply postJson(String url, String json) {
        return send(authed(url).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply putJs(String url, String script) {
        return send(authed(url).header("content-type", "application/javascript")
                .PUT(HttpRequest.BodyPublishers.ofString(script)));
    }

    Reply putMultipart(String url, Multipart body) {
        return send(authed(url).header("content-type", body.contentType()).PUT(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
    }

    /** Worker traffic for a host name, through the worker listener. */
    Reply worker(String method, String host, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Host", host);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(b);
    }

    void createNamespace(String name) {
        Reply r = postJson(accountApi("/workers/dispatch/namespaces"), "{\"name\":\"" + name + "\"}");
        if (r.status() != 200) {
            throw new AssertionError(r.body());
        }
    }

    /** Uploads an ES-module worker with metadata JSON. */
    Reply putModule(String url, String metadataJson, String mainName, String code) {
        return putMultipart(url, new Multipart().json("metadata", metadataJson)
                .file(mainName, mainName, "application/javascript+module", code));
    }

    /** Starts an asset upload session for {@code script} naming one file; fails the test unless it is accepted. */
    Reply assetSession(String script, String path, String hash, int size) {
        Reply r = postJson(accountApi("/workers/scripts/" + script + "/assets-upload-session"),
                "{\"manifest\":{\"" + path + "\":{\"hash\":\"" + hash + "\",\"size\":" + size + "}}}");
        if (r.status() != 200) {
            throw new AssertionError("starting an asset upload session answered " + r.status() + ": " + r.body());
        }
        return r;
    }

    /**
     * Uploads the content of the file {@code hash} with the token of an upload session (as wrangler
     * does, base64 in a multipart part named by the hash); returns the completion token.
     */
    String uploadAsset(String sessionJwt, String hash, String content) {
        Multipart files = new Multipart().file(hash, hash, "application/octet-stream",
                java.util.Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)));
        Reply r = send(HttpRequest.newBuilder(URI.create(accountApi("/workers/assets/upload?base64=true")))
                .header("Authorization", "Bearer " + sessionJwt).header("content-type", files.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(files.bytes())));
        if (r.status() != 201) {
            throw new AssertionError("uploading an asset answered " + r.status() + ": " + r.body());
        }
        return r.json().path("result").path("jwt").asText();
    }

    /** Uploads one ES module at {@code accountPath} (under the account's API) and fails the test unless it is accepted. */
    void deploy(String accountPath, String metadataJson, String mainName, String code) {
        Reply r = putModule(accountApi(accountPath), metadataJson, mainName, code);
        if (r.status() != 200) {
            throw new AssertionError("uploading " + accountPath + " answered " + r.status() + ": " + r.body());
        }
    }

    @Override
    /** Stops the server at once: what it serves is cut off (a test of the grace calls {@code server.close()} itself). */
    public void close() {
        server.close(Duration.ZERO);
    }

    /** A multipart/form-data body as wrangler and the SDK send it. */
    static final class Multipart {
        private final String boundary = "----tenantd" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart json(String name, String json) {
            return part("form-data; name=\"" + name + "\"", "application/json", json);
        }

        Multipart file(String name, String filename, String type, String content) {
            return part("form-data; name=\"" + name + "\"; filename=\"" + filename + "\"", type, content);
        }

        Multipart file(String name, String filename, String type, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        Multipart part(String disposition, String type, String content) {
            write("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n"
                    + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n");
            write(content);
            write("\r\n");
            return this;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return all.toByteArray();
        }
    }
}
