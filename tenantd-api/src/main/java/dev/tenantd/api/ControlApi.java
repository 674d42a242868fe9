package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.platform.d1.D1Databases;
import dev.tenantd.platform.kv.KvService;
import dev.tenantd.platform.store.ScriptPage;
import dev.tenantd.platform.store.ScriptQuery;
import dev.tenantd.runtime.BodyBudget;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloudflare v4 REST API subset for Workers for Platforms, under
 * {@code /client/v4}. Every response is an envelope; every handler runs off the
 * event loop because it may touch the database or validate a script in V8.
 */
public final class ControlApi {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);
    public static final String PREFIX = "/client/v4";

    private final Vertx vertx;
    private final Platform platform;
    private final KvService kv;

    private final D1Databases d1;
    private final dev.tenantd.platform.store.InvocationAnalytics analytics;
    private final BodyBudget bodies;
    private final dev.tenantd.platform.observability.AnalyticsThreads analyticsThreads;

    private ControlApi(Vertx vertx, Platform platform, KvService kv, D1Databases d1,
            dev.tenantd.platform.store.InvocationAnalytics analytics, BodyBudget bodies,
            dev.tenantd.platform.observability.AnalyticsThreads analyticsThreads) {
        this.bodies = bodies;
        this.analyticsThreads = analyticsThreads;
        this.vertx = vertx;
        this.platform = platform;
        this.kv = kv;
        this.d1 = d1;
        this.analytics = analytics;
    }

    /**
     * Mounts the API on a router. Request bodies are held in memory, counted against {@code bodies}
     * (the server's bodies in flight) while they are read and until their answer is sent; nothing
     * is written to disk for them.
     */
    public static void mount(Router router, Vertx vertx, Platform platform, KvService kv, D1Databases d1,
            dev.tenantd.platform.store.InvocationAnalytics analytics, BodyBudget bodies,
            dev.tenantd.platform.observability.AnalyticsThreads analyticsThreads) {
        new ControlApi(vertx, platform, kv, d1, analytics, bodies, analyticsThreads).routes(router);
    }

    private void routes(Router router) {
        TailApi tails = new TailApi(vertx, platform);
        router.errorHandler(400, ControlApi::unroutable);
        tails.mountSocket(router);
        D1Api d1Api = new D1Api(vertx, d1, this::account, bodies);
        d1Api.mountUpload(router);
        // In this order: a path that would resolve to another endpoint is refused, then the
        // token is checked, and only then is the body read.
        router.route(PREFIX + "/*").handler(ctx -> PathSegments.problem(ctx.request().path()).ifPresentOrElse(
                problem -> RequestBody.refuse(ctx, problem, drainLimit()), ctx::next));
        router.route(PREFIX + "/*").handler(this::authenticate);
        KvApi.mount(router, vertx, kv, this::account, drainLimit(), bodies);
        InvocationsApi.mount(router, vertx, platform, this::account, analyticsThreads);
        router.route(PREFIX + "/*").handler(RequestBody.reader(platform.limits().uncompressedScriptBytes(),
                platform.limits().scriptSizeBytes(), drainLimit(), bodies));
        GraphqlApi.mount(router, vertx, platform, analytics, analyticsThreads);

        String a = PREFIX + "/accounts/:account";
        d1Api.mount(router, a + "/d1/database");
        String ns = a + "/workers/dispatch/namespaces";
        get(router, PREFIX + "/user/tokens/verify", ctx -> {
            ObjectNode r = Envelope.JSON.createObjectNode();
            r.put("id", "token").put("status", "active");
            return r;
        });
        get(router, PREFIX + "/user", ctx -> {
            ObjectNode r = Envelope.JSON.createObjectNode();
            String account = ctx.get("account");
            r.put("id", account).put("email", account + "@tenantd.local").put("first_name", (String) null)
                    .put("last_name", (String) null).put("suspended", false);
            return r;
        });
        get(router, PREFIX + "/memberships", ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            String account = ctx.get("account");
            platform.accounts().all().stream().filter(x -> x.id().equals(account)).forEach(x -> {
                ObjectNode m = list.addObject().put("id", x.id()).put("status", "accepted");
                m.putObject("account").put("id", x.id()).put("name", x.name());
                m.putArray("roles").add("Administrator");
            });
            return list;
        });
        get(router, PREFIX + "/accounts", ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            String account = ctx.get("account");
            platform.accounts().all().stream().filter(x -> x.id().equals(account))
                    .forEach(x -> list.addObject().put("id", x.id()).put("name", x.name()).put("created_on", x.createdOn()));
            return list;
        });
        get(router, ns, ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            platform.namespaces().list(account(ctx)).forEach(n -> list.add(namespaceJson(n)));
            return list;
        });
        handle(router, HttpMethod.POST, ns, ctx -> {
            JsonNode body = jsonBody(ctx);
            String name = body.path("name").isTextual() ? body.get("name").asText() : null;
            if (name == null) {
                throw new ApiError(400, 10014, "Send a JSON body with the namespace's name: {\"name\": \"my-namespace\"}.");
            }
            String accountId = account(ctx);
            EgressPolicy policy = EgressPolicy.fromApiJson(body.get("egress"), "egress");
            Optional<Boolean> trusted = trustedWorkers(body);
            return namespaceJson(platform.namespaces().create(accountId, name, policy, trusted.orElse(false)));
        });
        get(router, ns + "/:ns", ctx -> namespaceJson(platform.namespaces().get(account(ctx), ctx.pathParam("ns"))));
        handle(router, HttpMethod.PUT, ns + "/:ns", this::updateNamespace);
        handle(router, HttpMethod.PATCH, ns + "/:ns", this::updateNamespace);
        handle(router, HttpMethod.DELETE, ns + "/:ns", ctx -> {
            platform.namespaces().delete(account(ctx), ctx.pathParam("ns"));
            return null;
        });
        get(router, ns + "/:ns/scripts", ctx -> {
            String accountId = account(ctx);
            Namespace n = platform.namespaces().get(accountId, ctx.pathParam("ns"));
            TagFilter tags = TagFilter.parse(ctx.queryParams().get("tags"));
            // tenantd's own addition for the dashboard's search: ?prefix= keeps names that start with it
            Optional<String> prefix = Optional.ofNullable(ctx.queryParams().get("prefix")).filter(p -> !p.isEmpty());
            Paging.Window window = Paging.window(ctx);
            ScriptPage page = platform.scripts().search(accountId, n.id(),
                    new ScriptQuery(prefix, tags.required(), tags.excluded(), window.offset(), window.limit()));
            ArrayNode list = Envelope.JSON.createArrayNode();
            Paging.finish(ctx, window, page.scripts(), page.total()).forEach(s -> list.add(scriptJson(s)));
            return list;
        });
        handle(router, HttpMethod.DELETE, ns + "/:ns/scripts", ctx -> {
            String accountId = account(ctx);
            Namespace n = platform.namespaces().get(accountId, ctx.pathParam("ns"));
            String tags = ctx.queryParams().get("tags");
            if (tags == null || tags.isBlank()) {
                throw new ApiError(400, 10014, "Deleting scripts in bulk needs a tag filter, e.g. ?tags=customer-1:yes.");
            }
            TagFilter filter = TagFilter.parse(tags);
            List<Script> matching = platform.scripts().search(accountId, n.id(), new ScriptQuery(Optional.empty(),
                    filter.required(), filter.excluded(), 0, Integer.MAX_VALUE)).scripts();
            ArrayNode deleted = Envelope.JSON.createArrayNode();
            for (Script s : matching) {
                // one deleted (or replaced) meanwhile is no longer the one matched
                if (platform.scripts().deleteListed(s)) {
                    deleted.add(s.ref().name());
                }
            }
            return deleted;
        });
        handle(router, HttpMethod.PUT, ns + "/:ns/scripts/:script", ctx -> uploadResult(upload(ctx, namespaced(ctx))));
        get(router, ns + "/:ns/scripts/:script", ctx -> {
            ScriptRef ref = namespaced(ctx);
            Script s = platform.scripts().get(ref);
            ObjectNode r = Envelope.JSON.createObjectNode();
            r.put("created_on", s.createdOn()).put("modified_on", s.modifiedOn())
                    .put("dispatch_namespace", ctx.pathParam("ns"));
            r.set("script", scriptJson(s));
            return r;
        });
        handle(router, HttpMethod.DELETE, ns + "/:ns/scripts/:script", ctx -> {
            platform.scripts().delete(namespaced(ctx));
            return null;
        });

        scriptResources(router, ns + "/:ns/scripts/:script", this::namespaced);

        String plain = a + "/workers/scripts/:script";
        handle(router, HttpMethod.PUT, plain, ctx -> uploadResult(upload(ctx, plainRef(ctx))));
        // what wrangler asks before deleting a worker: nothing refers to it that tenantd knows of
        get(router, plain + "/references", ctx -> {
            platform.scripts().get(plainRef(ctx));
            ObjectNode r = Envelope.JSON.createObjectNode();
            ObjectNode services = r.putObject("services");
            services.putArray("incoming");
            services.putArray("outgoing");
            services.put("pages_function", false);
            r.putArray("durable_objects");
            r.putArray("dispatch_outbounds");
            return r;
        });
        router.post(a + "/workers/assets/upload").handler(ctx -> blockingRaw(ctx, () -> {
            java.util.Map<String, byte[]> contents = new java.util.LinkedHashMap<>();
            boolean base64 = "true".equals(ctx.queryParams().get("base64"));
            RequestBody body = RequestBody.of(ctx);
            body.requireDistinctNames();
            for (RequestBody.Part f : body.files()) {
                contents.put(f.name(), decodeAsset(f.content(), base64, f.name()));
            }
            for (String name : body.fieldNames()) {
                contents.put(name, decodeAsset(body.field(name).orElseThrow().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        base64, name));
            }
            Optional<String> done = platform.assets().upload(ctx.pathParam("account"), ctx.get(ASSET_TOKEN), contents);
            ObjectNode r = Envelope.JSON.createObjectNode();
            if (done.isPresent()) {
                r.put("jwt", done.get());
            } else {
                r.putNull("jwt");
            }
            Envelope.ok(ctx.response(), done.isPresent() ? 201 : 200, r, null);
            return null;
        }));
        get(router, a + "/workers/tails/by-consumer/:script", ctx -> {
            account(ctx);
            return Envelope.JSON.createArrayNode();
        });
        scriptResources(router, plain, this::plainRef);
        get(router, a + "/workers/scripts", ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            Paging.Window window = Paging.window(ctx);
            ScriptPage page = platform.scripts().search(account(ctx), ScriptRef.PLAIN,
                    new ScriptQuery(Optional.empty(), List.of(), List.of(), window.offset(), window.limit()));
            Paging.finish(ctx, window, page.scripts(), page.total()).forEach(s -> list.add(scriptJson(s)));
            return list;
        });
        get(router, a + "/workers/services/:script", ctx -> {
            ScriptRef ref = plainRef(ctx);
            Script s = platform.scripts().find(ref).orElseThrow(() -> new ApiError(404, 10090,
                    "This Worker does not exist on your account: '" + ref.name() + "'."));
            return serviceJson(s);
        });
        handle(router, HttpMethod.DELETE, a + "/workers/services/:script", ctx -> {
            platform.scripts().delete(plainRef(ctx));
            return null;
        });
        get(router, a + "/workers/subdomain", ctx -> Envelope.JSON.createObjectNode().put("subdomain", account(ctx)));
        router.get(plain).handler(ctx -> blockingRaw(ctx, () -> {
            Script s = platform.scripts().get(plainRef(ctx));
            sendContent(ctx, s);
            return null;
        }));
        handle(router, HttpMethod.DELETE, plain, ctx -> {
            platform.scripts().delete(plainRef(ctx));
            return null;
        });
        // The dashboard's live logs tail a namespace's script the way wrangler tails a plain worker.
        handle(router, HttpMethod.POST, ns + "/:ns/scripts/:script/tails", ctx -> tails.create(namespaced(ctx), ctx));
        get(router, ns + "/:ns/scripts/:script/tails", ctx -> tails.list(namespaced(ctx), ctx));
        handle(router, HttpMethod.DELETE, ns + "/:ns/scripts/:script/tails/:tail", ctx -> tails.delete(namespaced(ctx), ctx));
        handle(router, HttpMethod.POST, plain + "/tails", ctx -> tails.create(plainRef(ctx), ctx));
        get(router, plain + "/tails", ctx -> tails.list(plainRef(ctx), ctx));
        handle(router, HttpMethod.DELETE, plain + "/tails/:tail", ctx -> tails.delete(plainRef(ctx), ctx));

        router.route(PREFIX + "/*").handler(ctx -> {
            String path = ctx.request().path();
            String call = ctx.request().method().name() + " " + path;
            // Cloudflare resources tenantd does not implement get a stable "not supported" refusal;
            // paths that are no Cloudflare resource at all get Cloudflare's own "no route".
            boolean cloudflareResource = path.startsWith(PREFIX + "/accounts/") || path.startsWith(PREFIX + "/zones")
                    || path.startsWith(PREFIX + "/user/") || path.startsWith(PREFIX + "/graphql");
            Envelope.error(ctx.response(), cloudflareResource
                    ? ApiError.notSupported(call + " (docs/api.md lists the endpoints tenantd implements)")
                    : ApiError.noRoute(ctx.request().method().name(), path));
        });
        router.route(PREFIX + "/*").failureHandler(this::failure);
    }

    // ---- the sub-resources of one script, for user workers and plain workers alike

    private void scriptResources(Router router, String base, java.util.function.Function<RoutingContext, ScriptRef> refOf) {
        router.get(base + "/content").handler(ctx -> blockingRaw(ctx, () -> {
            sendContent(ctx, platform.scripts().get(refOf.apply(ctx)));
            return null;
        }));
        handle(router, HttpMethod.PUT, base + "/content", ctx -> {
            ScriptRef ref = refOf.apply(ctx);
            Script current = platform.scripts().get(ref);
            return uploadResult(platform.scripts().upload(ref, UploadParser.parseContent(ctx, current.current()), source(ctx)));
        });
        get(router, base + "/settings", ctx -> settingsJson(platform.scripts().get(refOf.apply(ctx)), true));
        handle(router, HttpMethod.PATCH, base + "/settings", ctx -> settingsJson(patchSettings(ctx, refOf.apply(ctx), true), true));
        get(router, base + "/script-settings", ctx -> settingsJson(platform.scripts().get(refOf.apply(ctx)), false));
        handle(router, HttpMethod.PATCH, base + "/script-settings", ctx -> settingsJson(patchSettings(ctx, refOf.apply(ctx), false), false));
        get(router, base + "/bindings", ctx -> bindingsJson(platform.scripts().get(refOf.apply(ctx)).current()));

        // secrets: stored encrypted in a new version, never returned
        handle(router, HttpMethod.PUT, base + "/secrets", ctx -> {
            JsonNode body = jsonBody(ctx);
            String name = body.path("name").isTextual() ? body.get("name").asText() : null;
            String text = body.path("text").isTextual() ? body.get("text").asText() : null;
            String type = body.path("type").asText("secret_text");
            if (name == null || text == null) {
                throw new ApiError(400, 10014, "Send {\"name\": \"API_KEY\", \"text\": \"the value\", \"type\": \"secret_text\"}.");
            }
            if (!type.equals("secret_text")) {
                throw ApiError.notSupported("secrets of type '" + type + "' (use secret_text)");
            }
            platform.scripts().putSecrets(refOf.apply(ctx), java.util.Map.of(name, Optional.of(text)));
            return secretJson(name);
        });
        get(router, base + "/secrets", ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            platform.scripts().secretNames(refOf.apply(ctx)).forEach(n -> list.add(secretJson(n)));
            return list;
        });
        get(router, base + "/secrets/:secret", ctx -> {
            String name = ctx.pathParam("secret");
            if (!platform.scripts().secretNames(refOf.apply(ctx)).contains(name)) {
                throw new ApiError(404, 10056, "Worker '" + ctx.pathParam("script") + "' has no secret named '" + name + "'.");
            }
            return secretJson(name);
        });
        handle(router, HttpMethod.DELETE, base + "/secrets/:secret", ctx -> {
            Optional<String> none = Optional.empty();
            platform.scripts().putSecrets(refOf.apply(ctx), java.util.Map.of(ctx.pathParam("secret"), none));
            return null;
        });
        handle(router, HttpMethod.PATCH, base + "/secrets-bulk", ctx -> {
            JsonNode secrets = jsonBody(ctx).path("secrets");
            if (!secrets.isObject()) {
                throw new ApiError(400, 10014, "Send {\"secrets\": {\"NAME\": {\"name\": \"NAME\", \"text\": \"value\", "
                        + "\"type\": \"secret_text\"} or null to delete}}.");
            }
            java.util.Map<String, Optional<String>> changes = new java.util.LinkedHashMap<>();
            for (var e : secrets.properties()) {
                JsonNode v = e.getValue();
                if (v.isNull()) {
                    changes.put(e.getKey(), Optional.empty());
                } else if (v.path("text").isTextual()) {
                    changes.put(e.getKey(), Optional.of(v.get("text").asText()));
                } else {
                    throw new ApiError(400, 10014, "Secret '" + e.getKey() + "' needs a string 'text' (or null to delete it).");
                }
            }
            platform.scripts().putSecrets(refOf.apply(ctx), changes);
            ArrayNode list = Envelope.JSON.createArrayNode();
            platform.scripts().secretNames(refOf.apply(ctx)).forEach(n -> list.add(secretJson(n)));
            return list;
        });

        // tags
        get(router, base + "/tags", ctx -> stringArray(platform.scripts().get(refOf.apply(ctx)).tags()));
        handle(router, HttpMethod.PUT, base + "/tags", ctx -> {
            JsonNode body = jsonArrayBody(ctx);
            List<String> tags = new ArrayList<>();
            for (JsonNode t : body) {
                if (!t.isTextual()) {
                    throw new ApiError(400, 10014, "Send the tags as a JSON array of strings, e.g. [\"customer-1\", \"free\"].");
                }
                tags.add(t.asText());
            }
            return stringArray(platform.scripts().setTags(refOf.apply(ctx), tags).tags());
        });
        handle(router, HttpMethod.PUT, base + "/tags/:tag", ctx -> {
            String tag = ctx.pathParam("tag");
            return stringArray(platform.scripts().updateTags(refOf.apply(ctx), current -> {
                List<String> tags = new ArrayList<>(current);
                if (!tags.contains(tag)) {
                    tags.add(tag);
                }
                return tags;
            }).tags());
        });
        handle(router, HttpMethod.DELETE, base + "/tags/:tag", ctx -> {
            String tag = ctx.pathParam("tag");
            platform.scripts().updateTags(refOf.apply(ctx), current -> current.stream().filter(t -> !t.equals(tag)).toList());
            return null;
        });

        // versions and deployments
        get(router, base + "/versions", ctx -> {
            ScriptRef ref = refOf.apply(ctx);
            Script s = platform.scripts().get(ref);
            ObjectNode r = Envelope.JSON.createObjectNode();
            ArrayNode items = r.putArray("items");
            Paging.Window window = Paging.window(ctx);
            var page = platform.scripts().versions(ref, window.offset(), window.limit());
            Paging.finish(ctx, window, page.versions(), page.total()).forEach(v -> items.add(versionJson(s, v)));
            return r;
        });
        get(router, base + "/versions/:version", ctx -> {
            ScriptRef ref = refOf.apply(ctx);
            return versionJson(platform.scripts().get(ref), platform.scripts().version(ref, ctx.pathParam("version")));
        });
        handle(router, HttpMethod.POST, base + "/versions", ctx -> {
            ScriptRef ref = refOf.apply(ctx);
            UploadParser.Parsed parsed = UploadParser.parseWithAnnotations(ctx);
            dev.tenantd.platform.Scripts.SavedVersion saved = platform.scripts().saveUpload(ref, parsed.upload(), false, parsed.message(), source(ctx));
            return versionJson(saved.script(), saved.version());
        });
        get(router, base + "/deployments", ctx -> {
            ObjectNode r = Envelope.JSON.createObjectNode();
            ArrayNode list = r.putArray("deployments");
            platform.scripts().deployments(refOf.apply(ctx)).forEach(d -> list.add(deploymentJson(d)));
            return r;
        });
        get(router, base + "/deployments/:deployment", ctx -> platform.scripts().deployments(refOf.apply(ctx)).stream()
                .filter(d -> d.id().equals(ctx.pathParam("deployment"))).findFirst().map(ControlApi::deploymentJson)
                .orElseThrow(() -> new ApiError(404, 10224, "Deployment '" + ctx.pathParam("deployment") + "' was not found.")));
        handle(router, HttpMethod.POST, base + "/deployments", ctx -> {
            JsonNode body = jsonBody(ctx);
            String strategy = body.path("strategy").asText("percentage");
            if (!strategy.equals("percentage")) {
                throw ApiError.notSupported("deployment strategy '" + strategy + "' (use percentage)");
            }
            if (!body.path("versions").isArray() || body.get("versions").isEmpty()) {
                throw new ApiError(400, 10014, "Send {\"strategy\": \"percentage\", \"versions\": "
                        + "[{\"version_id\": \"...\", \"percentage\": 100}]}.");
            }
            List<Deployment.Split> splits = new ArrayList<>();
            for (JsonNode v : body.get("versions")) {
                if (!v.path("version_id").isTextual() || !v.path("percentage").isNumber()) {
                    throw new ApiError(400, 10014, "Every entry of versions needs a string version_id and a number percentage.");
                }
                splits.add(new Deployment.Split(v.get("version_id").asText(), v.get("percentage").asDouble()));
            }
            JsonNode message = body.path("annotations").path("workers/message");
            Script s = platform.scripts().deploy(refOf.apply(ctx), splits, message.isTextual() ? message.asText() : null, source(ctx));
            return deploymentJson(s.deployment());
        });

        // static assets: a session says which files the server lacks; /workers/assets/upload takes them
        handle(router, HttpMethod.POST, base + "/assets-upload-session", ctx -> {
            ScriptRef ref = refOf.apply(ctx);
            dev.tenantd.platform.Assets.SessionStart started = platform.assets().startSession(ref, jsonBody(ctx).get("manifest"));
            ObjectNode r = Envelope.JSON.createObjectNode().put("jwt", started.jwt());
            r.set("buckets", dev.tenantd.platform.Assets.bucketsJson(started.buckets()));
            return r;
        });

        // the workers.dev switch: off, the worker is not served at <script>.<workers-dev-domain>
        get(router, base + "/subdomain", ctx -> subdomainJson(platform.scripts().get(refOf.apply(ctx))));
        handle(router, HttpMethod.POST, base + "/subdomain", ctx -> {
            JsonNode body = jsonBody(ctx);
            return subdomainJson(platform.scripts().updateScriptSettings(refOf.apply(ctx), settings -> {
                ObjectNode sub = settings.putObject("subdomain");
                sub.put("enabled", body.path("enabled").asBoolean(true));
                sub.put("previews_enabled", body.path("previews_enabled").asBoolean(body.path("enabled").asBoolean(true)));
            }));
        });
    }

    /** Settings fields tenantd stores and returns; tail_consumers is checked before it is stored. */
    private static final List<String> STORED_SETTINGS = List.of("logpush", "observability", "tail_consumers",
            "placement", "usage_model");

    /**
     * PATCH of settings (multipart with a JSON part named {@code settings}, or a JSON
     * body). Bindings, compatibility and limits make a new version; tags and the
     * stored settings change the script. Every field is read and checked before the
     * first change is written, so a refused PATCH changes nothing.
     */
    private Script patchSettings(RoutingContext ctx, ScriptRef ref, boolean versionFields) throws Exception {
        JsonNode body = settingsBody(ctx);
        dev.tenantd.platform.observability.ScriptObservability.problem(body.get("observability"))
                .ifPresent(problem -> {
                    throw ApiError.invalidObservability(problem);
                });
        Script s = platform.scripts().get(ref);
        Optional<List<BindingSpec>> bindings = versionFields && body.has("bindings")
                ? Optional.of(UploadParser.bindings(body)) : Optional.empty();
        if (versionFields && body.hasNonNull("compatibility_date") && !body.get("compatibility_date").isTextual()) {
            throw new ApiError(400, 10014, "'compatibility_date' must be a date such as \"2025-01-01\"; got "
                    + clip(body.get("compatibility_date").toString()) + ".");
        }
        Optional<String> compatibilityDate = versionFields && body.hasNonNull("compatibility_date")
                ? Optional.of(body.get("compatibility_date").asText()) : Optional.empty();
        Optional<List<String>> compatibilityFlags = versionFields && body.has("compatibility_flags")
                ? Optional.of(UploadParser.strings(body, "compatibility_flags")) : Optional.empty();
        Optional<dev.tenantd.platform.ScriptLimits> limits = versionFields && body.has("limits")
                ? Optional.of(UploadParser.limits(body)) : Optional.empty();
        Optional<List<String>> tags = body.has("tags") && !body.get("tags").isNull()
                ? Optional.of(UploadParser.strings(body, "tags")) : Optional.empty();
        tags.ifPresent(dev.tenantd.platform.Scripts::checkTags);
        checkStoredSettings(body);
        if (body.has("tail_consumers")) {
            ((ObjectNode) body).set("tail_consumers", platform.scripts().tailConsumersSetting(ref, body.get("tail_consumers")));
        }
        if (bindings.isPresent() || compatibilityDate.isPresent() || compatibilityFlags.isPresent() || limits.isPresent()) {
            s = platform.scripts().changeVersionSettings(ref, bindings, compatibilityDate, compatibilityFlags, limits);
        }
        if (tags.isPresent()) {
            s = platform.scripts().setTags(ref, tags.get());
        }
        if (STORED_SETTINGS.stream().noneMatch(body::has)) {
            return s;
        }
        return platform.scripts().updateScriptSettings(ref, stored -> {
            for (String field : STORED_SETTINGS) {
                if (body.has(field)) {
                    stored.set(field, body.get(field));
                }
            }
        });
    }

    /** The most a {@code placement} object may take, as JSON: Cloudflare's have a mode and a region or host. */
    private static final int MAX_PLACEMENT_CHARS = 1024;

    /** {@code logpush}, {@code usage_model} and {@code placement} as Cloudflare types them; null is taken as it is. */
    private static void checkStoredSettings(JsonNode body) {
        JsonNode logpush = body.get("logpush");
        if (logpush != null && !logpush.isNull() && !logpush.isBoolean()) {
            throw new ApiError(400, 10014, "'logpush' must be true or false; got " + clip(logpush.toString()) + ".");
        }
        JsonNode usageModel = body.get("usage_model");
        if (usageModel != null && !usageModel.isNull() && !(usageModel.isTextual()
                && List.of("standard", "bundled", "unbound").contains(usageModel.textValue()))) {
            throw new ApiError(400, 10014, "'usage_model' must be \"standard\", \"bundled\" or \"unbound\"; got "
                    + clip(usageModel.toString()) + ".");
        }
        JsonNode placement = body.get("placement");
        if (placement != null && !placement.isNull()) {
            if (!placement.isObject()) {
                throw new ApiError(400, 10014, "'placement' must be an object such as {\"mode\": \"smart\"}; got "
                        + clip(placement.toString()) + ".");
            }
            if (placement.toString().length() > MAX_PLACEMENT_CHARS) {
                throw new ApiError(400, 10014, "'placement' takes at most " + MAX_PLACEMENT_CHARS + " characters of "
                        + "JSON; send its mode and region or host only.");
            }
        }
    }

    private static String clip(String json) {
        return json.length() <= 40 ? json : json.substring(0, 40) + "...";
    }

    private static JsonNode settingsBody(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            RequestBody multipart = RequestBody.of(ctx);
            multipart.requireAtMostOnce("settings");
            String text = multipart.field("settings").orElse(null);
            if (text == null) {
                for (RequestBody.Part f : multipart.files()) {
                    if (f.name().equals("settings")) {
                        text = new String(f.content(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
            }
            if (text == null) {
                throw new ApiError(400, 10014, "The multipart body has no part named 'settings' with the JSON settings.");
            }
            try {
                JsonNode node = Envelope.JSON.readTree(text);
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (java.io.IOException e) {
                // reported below
            }
            throw new ApiError(400, 10014, "The 'settings' part must be a JSON object.");
        }
        return jsonBody(ctx);
    }

    // ---- authentication: Bearer token, or X-Auth-Email + X-Auth-Key where the key is a token

    private static final String ASSET_TOKEN = "tenantd.asset_token";

    private static byte[] decodeAsset(byte[] raw, boolean base64, String name) {
        if (!base64) {
            return raw;
        }
        try {
            return java.util.Base64.getMimeDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, 10014, "Part '" + name + "' is not valid base64 (the upload asked for ?base64=true).");
        }
    }

    /**
     * How much of a refused request's unread body is read and dropped before its
     * connection is closed: twice the largest body the API accepts, so that a client
     * that sent a little too much still reads the refusal.
     */
    private long drainLimit() {
        long upload = RequestBody.saturatedAdd(platform.limits().uncompressedScriptBytes(), RequestBody.FRAMING_BYTES);
        return RequestBody.saturatedAdd(upload, upload);
    }

    private static final java.util.regex.Pattern ASSET_UPLOAD = java.util.regex.Pattern.compile(
            java.util.regex.Pattern.quote(PREFIX) + "/accounts/([^/]+)/workers/assets/upload/?");

    /** Checks the token with the request paused: no byte of the body is read before the token is good. */
    private void authenticate(RoutingContext ctx) {
        ctx.request().pause();
        String authorization = ctx.request().getHeader("authorization");
        String token = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).strip();
        } else if (ctx.request().getHeader("x-auth-key") != null) {
            token = ctx.request().getHeader("x-auth-key").strip();
        }
        if (token == null || token.isEmpty()) {
            RequestBody.refuse(ctx, ApiError.missingAuth(), drainLimit());
            return;
        }
        // Asset contents are uploaded with the upload session's token instead of an API token.
        java.util.regex.Matcher assetUpload = ASSET_UPLOAD.matcher(ctx.request().path());
        if (ctx.request().method() == HttpMethod.POST && assetUpload.matches()) {
            try {
                platform.assets().requireSession(assetUpload.group(1), token);
            } catch (PlatformException e) {
                RequestBody.refuse(ctx, ApiError.of(e.problem(), e.getMessage()), drainLimit());
                return;
            }
            ctx.put(ASSET_TOKEN, token);
            ctx.next();
            return;
        }
        String presented = token;
        vertx.executeBlocking(() -> platform.accounts().authenticate(presented), false).onComplete(result -> {
            if (result.failed() || result.result().isEmpty()) {
                RequestBody.refuse(ctx, ApiError.badAuth(), drainLimit());
                return;
            }
            ctx.put("account", result.result().get());
            ctx.next();
        });
    }

    /** {@code trusted_workers} of a namespace body, if given; anything but a boolean is refused. */
    private static Optional<Boolean> trustedWorkers(JsonNode body) {
        if (!body.has("trusted_workers") || body.get("trusted_workers").isNull()) {
            return Optional.empty();
        }
        if (!body.get("trusted_workers").isBoolean()) {
            throw ApiError.invalidNamespaceField("trusted_workers must be true or false, not "
                    + body.get("trusted_workers") + ".");
        }
        return Optional.of(body.get("trusted_workers").asBoolean());
    }

    /**
     * Renames ({@code name}), sets {@code trusted_workers}, and/or sets the egress policy
     * ({@code egress}, a tenantd extension).
     */
    private JsonNode updateNamespace(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        Optional<Boolean> trusted = trustedWorkers(body);
        if (!body.path("name").isTextual() && !body.has("egress") && trusted.isEmpty()) {
            throw new ApiError(400, 10014, "Send a JSON body with the new name, {\"name\": \"new-name\"}, "
                    + "trusted_workers, {\"trusted_workers\": true}, "
                    + "and/or an egress policy, {\"egress\": {\"allow\": [], \"block\": []}}.");
        }
        String accountId = account(ctx);
        String name = ctx.pathParam("ns");
        Optional<EgressPolicy> policy = body.has("egress")
                ? Optional.of(EgressPolicy.fromApiJson(body.get("egress"), "egress")) : Optional.empty();
        Optional<String> newName = body.path("name").isTextual() ? Optional.of(body.get("name").asText()) : Optional.empty();
        return namespaceJson(platform.namespaces().update(accountId, name, newName, policy, trusted));
    }

    /** Stores an uploaded script; its metadata's {@code observability} block goes into the script's settings. */
    private Script upload(RoutingContext ctx, ScriptRef ref) {
        return platform.scripts().upload(ref, UploadParser.parse(ctx), source(ctx));
    }

    /** What made an upload, as versions report it: wrangler identifies itself in its User-Agent. */
    private static String source(RoutingContext ctx) {
        String agent = ctx.request().getHeader("user-agent");
        return agent != null && agent.startsWith("wrangler/") ? "wrangler" : "api";
    }

    private String account(RoutingContext ctx) {
        String accountId = ctx.pathParam("account");
        if (!accountId.equals(ctx.get("account"))) {
            throw ApiError.wrongAccount(accountId);
        }
        platform.accounts().account(accountId);
        return accountId;
    }

    private ScriptRef namespaced(RoutingContext ctx) {
        return platform.scripts().ref(account(ctx), Optional.of(ctx.pathParam("ns")), ctx.pathParam("script"));
    }

    private ScriptRef plainRef(RoutingContext ctx) {
        return platform.scripts().ref(account(ctx), Optional.empty(), ctx.pathParam("script"));
    }

    private static JsonNode jsonArrayBody(RoutingContext ctx) {
        JsonNode node = parsedBody(ctx);
        if (node == null || !node.isArray()) {
            throw new ApiError(400, 10014, "The request body must be a JSON array.");
        }
        return node;
    }

    private static JsonNode jsonBody(RoutingContext ctx) {
        JsonNode node = parsedBody(ctx);
        if (node == null || !node.isObject()) {
            throw new ApiError(400, 10014, "The request body must be a JSON object.");
        }
        return node;
    }

    /** The body as JSON, or null when there is none. */
    private static JsonNode parsedBody(RoutingContext ctx) {
        byte[] body = RequestBody.of(ctx).bytes();
        if (body.length == 0) {
            return null;
        }
        try {
            return Envelope.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new ApiError(400, 10014, "The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    // ---- JSON shapes

    private static ObjectNode namespaceJson(Namespace n) {
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("namespace_id", n.id()).put("namespace_name", n.name()).put("created_on", n.createdOn())
                .put("created_by", n.accountId()).put("modified_on", n.modifiedOn()).put("modified_by", n.accountId())
                .put("script_count", n.scriptCount()).put("trusted_workers", n.trustedWorkers());
        o.set("egress", n.egress().toJson());
        return o;
    }

    private static ObjectNode scriptJson(Script s) {
        ScriptVersion v = s.current();
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("id", s.ref().name()).put("etag", v.etag()).put("created_on", s.createdOn())
                .put("modified_on", s.modifiedOn()).put("compatibility_date", v.compatibilityDate())
                .put("has_modules", !v.serviceWorker()).put("has_assets", v.hasAssets()).put("usage_model", "standard")
                .put("startup_time_ms", v.startupTimeMs()).put("version_id", v.id())
                .put("main_module", v.mainModule());
        ArrayNode flags = o.putArray("compatibility_flags");
        v.compatibilityFlags().forEach(flags::add);
        o.putArray("handlers").add("fetch");
        o.putArray("named_handlers");
        ArrayNode tags = o.putArray("tags");
        s.tags().forEach(tags::add);
        ArrayNode modules = o.putArray("modules");
        for (ModuleRef m : v.modules()) {
            modules.addObject().put("name", m.name()).put("type", m.type().name().toLowerCase()).put("size", m.size());
        }
        o.set("bindings", bindingsJson(v));
        return o;
    }

    private static ObjectNode secretJson(String name) {
        return Envelope.JSON.createObjectNode().put("name", name).put("type", "secret_text");
    }

    private static ArrayNode stringArray(List<String> values) {
        ArrayNode a = Envelope.JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static ArrayNode bindingsJson(ScriptVersion v) {
        ArrayNode bindings = Envelope.JSON.createArrayNode();
        for (BindingSpec b : v.bindings()) {
            ObjectNode bo = bindings.addObject().put("type", b.type()).put("name", b.name());
            if (!b.type().equals("secret_text")) {
                bo.setAll(b.fields().deepCopy());
            }
        }
        return bindings;
    }

    private ObjectNode settingsJson(Script s, boolean withVersionFields) throws Exception {
        ObjectNode stored = (ObjectNode) Envelope.JSON.readTree(s.settingsJson());
        ObjectNode o = Envelope.JSON.createObjectNode();
        if (withVersionFields) {
            ScriptVersion v = s.current();
            o.set("bindings", bindingsJson(v));
            o.put("compatibility_date", v.compatibilityDate());
            o.set("compatibility_flags", stringArray(v.compatibilityFlags()));
            ObjectNode limits = o.putObject("limits");
            if (v.limits().cpuMs() > 0) {
                limits.put("cpu_ms", v.limits().cpuMs());
            }
            if (v.limits().subrequests() >= 0) {
                limits.put("subrequests", v.limits().subrequests());
            }
            o.set("tags", stringArray(s.tags()));
        }
        o.put("logpush", stored.path("logpush").asBoolean(false));
        // A script that never set its own shows what applies to it: the platform's default.
        var platformDefault = platform.invocations().settings();
        o.set("observability", stored.has("observability") ? stored.get("observability")
                : Envelope.JSON.createObjectNode().put("enabled", platformDefault.enabled())
                        .put("head_sampling_rate", platformDefault.headSamplingRate()));
        o.set("tail_consumers", stored.has("tail_consumers") ? stored.get("tail_consumers") : Envelope.JSON.createArrayNode());
        o.set("placement", stored.has("placement") ? stored.get("placement") : Envelope.JSON.createObjectNode());
        o.put("usage_model", stored.path("usage_model").asText("standard"));
        return o;
    }

    private static ObjectNode subdomainJson(Script s) throws Exception {
        JsonNode sub = Envelope.JSON.readTree(s.settingsJson()).path("subdomain");
        return Envelope.JSON.createObjectNode().put("enabled", sub.path("enabled").asBoolean(true))
                .put("previews_enabled", sub.path("previews_enabled").asBoolean(true));
    }

    private static ObjectNode versionJson(Script s, ScriptVersion v) {
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("id", v.id()).put("number", v.number()).put("startup_time_ms", v.startupTimeMs());
        ObjectNode meta = o.putObject("metadata");
        meta.put("created_on", v.createdOn()).put("modified_on", v.createdOn()).put("source", v.source())
                .put("author_id", s.ref().accountId()).put("author_email", s.ref().accountId() + "@tenantd.local")
                .put("hasPreview", false);
        o.putObject("annotations");
        ObjectNode resources = o.putObject("resources");
        ObjectNode script = resources.putObject("script");
        script.put("etag", v.etag()).put("last_deployed_from", v.source());
        script.putArray("handlers").add("fetch");
        ObjectNode runtime = resources.putObject("script_runtime");
        runtime.put("compatibility_date", v.compatibilityDate()).put("usage_model", "standard");
        runtime.set("compatibility_flags", stringArray(v.compatibilityFlags()));
        resources.set("bindings", bindingsJson(v));
        return o;
    }

    private static ObjectNode deploymentJson(Deployment d) {
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("id", d.id()).put("source", d.source()).put("strategy", "percentage").put("created_on", d.createdOn())
                .put("author_email", "api@tenantd.local");
        ObjectNode annotations = o.putObject("annotations");
        if (d.message() != null) {
            annotations.put("workers/message", d.message());
        }
        annotations.put("workers/triggered_by", "deployment");
        ArrayNode versions = o.putArray("versions");
        for (Deployment.Split split : d.versions()) {
            ObjectNode v = versions.addObject().put("version_id", split.versionId());
            if (split.percentage() == Math.rint(split.percentage())) {
                v.put("percentage", (long) split.percentage());
            } else {
                v.put("percentage", split.percentage());
            }
        }
        return o;
    }

    /** The "service" wrangler reads before a deploy: the script as its production environment. */
    private static ObjectNode serviceJson(Script s) {
        ObjectNode o = Envelope.JSON.createObjectNode();
        o.put("id", s.ref().name()).put("created_on", s.createdOn()).put("modified_on", s.modifiedOn());
        ObjectNode env = o.putObject("default_environment");
        env.put("environment", "production").put("created_on", s.createdOn()).put("modified_on", s.modifiedOn());
        ObjectNode script = scriptJson(s);
        script.put("tag", s.id()).put("last_deployed_from", s.current().source());
        env.set("script", script);
        return o;
    }


    private static ObjectNode uploadResult(Script s) {
        ObjectNode o = scriptJson(s);
        o.put("deployment_id", s.current().id());
        return o;
    }

    private void sendContent(RoutingContext ctx, Script s) {
        String boundary = "tenantd-" + UUID.randomUUID();
        Buffer out = Buffer.buffer();
        for (ModuleRef m : s.current().modules()) {
            String type = switch (m.type()) {
                case ES_MODULE -> "application/javascript+module";
                case SERVICE_WORKER -> "application/javascript";
                case TEXT -> "text/plain";
                case DATA -> "application/octet-stream";
                case JSON -> "application/json";
                case WASM -> "application/wasm";
            };
            out.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + m.name()
                    + "\"; filename=\"" + m.name() + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.appendBytes(platform.scripts().moduleContent(m)).appendString("\r\n");
        }
        out.appendString("--" + boundary + "--\r\n");
        String entryHeader = s.current().serviceWorker() ? "cf-worker-body-part" : "cf-worker-main-module-part";
        Envelope.guarded(ctx.response()).putHeader("content-type", "multipart/form-data; boundary=" + boundary)
                .putHeader(entryHeader, s.current().mainModule()).end(out);
    }

    // ---- plumbing

    @FunctionalInterface
    private interface Action {
        JsonNode run(RoutingContext ctx) throws Exception;
    }

    private void get(Router router, String path, Action action) {
        handle(router, HttpMethod.GET, path, action);
    }

    private void handle(Router router, HttpMethod method, String path, Action action) {
        router.route(method, path).handler(ctx -> blockingRaw(ctx, () -> {
            JsonNode result = action.run(ctx);
            Envelope.ok(ctx.response(), 200, result, ctx.get(Paging.RESULT_INFO));
            return null;
        }));
    }

    private void blockingRaw(RoutingContext ctx, Callable<Void> work) {
        vertx.executeBlocking(work, false).onFailure(error -> respondError(ctx, error));
    }

    private void failure(RoutingContext ctx) {
        if (ctx.failure() != null) {
            respondError(ctx, ctx.failure());
        } else {
            int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
            Envelope.error(ctx.response(), new ApiError(status, status == 400 ? 10014 : 10013,
                    status == 400 ? "The request could not be parsed." : "The request failed."));
        }
    }

    /** A request the router refuses before any route sees it: a broken %-escape, no Host header. */
    private static void unroutable(RoutingContext ctx) {
        String uri = ctx.request().uri();
        java.util.regex.Matcher bad = BROKEN_ESCAPE.matcher(uri == null ? "" : uri);
        String message;
        if (bad.find()) {
            message = "The request URI has '" + bad.group() + "' where a '%' must start an escape of two hexadecimal "
                    + "digits (write a literal '%' as %25).";
        } else {
            message = "The request could not be routed"
                    + (ctx.failure() == null || ctx.failure().getMessage() == null ? "" : ": " + ctx.failure().getMessage())
                    + ". Check its path, query string and Host header.";
        }
        Envelope.error(ctx.response(), ApiError.malformedRequest(message));
    }

    private static final java.util.regex.Pattern BROKEN_ESCAPE = java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2}).{0,2}");

    private void respondError(RoutingContext ctx, Throwable error) {
        if (error instanceof ApiError api) {
            Envelope.error(ctx.response(), api);
        } else if (error instanceof PlatformException p) {
            Envelope.error(ctx.response(), ApiError.of(p.problem(), p.getMessage()));
        } else {
            LOG.error("API request {} {} failed", ctx.request().method(), ctx.request().path(), error);
            Envelope.error(ctx.response(), new ApiError(500, 10013,
                    "An internal error occurred; the server log has the details."));
        }
    }
}
