package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.Platform;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
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

    private ControlApi(Vertx vertx, Platform platform) {
        this.vertx = vertx;
        this.platform = platform;
    }

    /** Mounts the API on a router; uploads are buffered under {@code uploadDir}. */
    public static void mount(Router router, Vertx vertx, Platform platform, Path uploadDir) {
        new ControlApi(vertx, platform).routes(router, uploadDir);
    }

    private void routes(Router router, Path uploadDir) {
        long bodyLimit = platform.limits().scriptSizeBytes() + 1024 * 1024;
        TailApi tails = new TailApi(vertx, platform);
        tails.mountSocket(router);
        router.route(PREFIX + "/*").handler(BodyHandler.create(uploadDir.toString())
                .setBodyLimit(bodyLimit)
                .setDeleteUploadedFilesOnEnd(true)
                .setMergeFormAttributes(true));
        router.route(PREFIX + "/*").handler(this::authenticate);

        String a = PREFIX + "/accounts/:account";
        String ns = a + "/workers/dispatch/namespaces";
        get(router, PREFIX + "/user/tokens/verify", ctx -> {
            ObjectNode r = Envelope.JSON.createObjectNode();
            r.put("id", "token").put("status", "active");
            return r;
        });
        get(router, PREFIX + "/accounts", ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            String account = ctx.get("account");
            platform.accounts().stream().filter(x -> x.id().equals(account))
                    .forEach(x -> list.addObject().put("id", x.id()).put("name", x.name()).put("created_on", x.createdOn()));
            return list;
        });
        get(router, ns, ctx -> {
            ArrayNode list = Envelope.JSON.createArrayNode();
            platform.namespaces(account(ctx)).forEach(n -> list.add(namespaceJson(n)));
            return list;
        });
        handle(router, HttpMethod.POST, ns, ctx -> {
            JsonNode body = jsonBody(ctx);
            String name = body.path("name").isTextual() ? body.get("name").asText() : null;
            if (name == null) {
                throw new ApiError(400, 10014, "Send a JSON body with the namespace's name: {\"name\": \"my-namespace\"}.");
            }
            String accountId = account(ctx);
            EgressPolicy policy = EgressPolicy.fromJson(body.get("egress"), "egress");
            Namespace created = platform.createNamespace(accountId, name);
            return namespaceJson(policy.isOpen() ? created : platform.setNamespaceEgress(accountId, name, policy));
        });
        get(router, ns + "/:ns", ctx -> namespaceJson(platform.namespace(account(ctx), ctx.pathParam("ns"))));
        handle(router, HttpMethod.PUT, ns + "/:ns", this::updateNamespace);
        handle(router, HttpMethod.PATCH, ns + "/:ns", this::updateNamespace);
        handle(router, HttpMethod.DELETE, ns + "/:ns", ctx -> {
            platform.deleteNamespace(account(ctx), ctx.pathParam("ns"));
            return null;
        });
        get(router, ns + "/:ns/scripts", ctx -> {
            String accountId = account(ctx);
            Namespace n = platform.namespace(accountId, ctx.pathParam("ns"));
            ArrayNode list = Envelope.JSON.createArrayNode();
            platform.scripts(accountId, n.id()).forEach(s -> list.add(scriptJson(s)));
            return list;
        });
        handle(router, HttpMethod.PUT, ns + "/:ns/scripts/:script", ctx -> uploadResult(
                platform.upload(namespaced(ctx), UploadParser.parse(vertx, ctx))));
        get(router, ns + "/:ns/scripts/:script", ctx -> {
            ScriptRef ref = namespaced(ctx);
            Script s = platform.script(ref);
            ObjectNode r = Envelope.JSON.createObjectNode();
            r.put("created_on", s.createdOn()).put("modified_on", s.modifiedOn())
                    .put("dispatch_namespace", ctx.pathParam("ns"));
            r.set("script", scriptJson(s));
            return r;
        });
        handle(router, HttpMethod.DELETE, ns + "/:ns/scripts/:script", ctx -> {
            platform.deleteScript(namespaced(ctx));
            return null;
        });

        String plain = a + "/workers/scripts/:script";
        handle(router, HttpMethod.PUT, plain, ctx -> uploadResult(
                platform.upload(plainRef(ctx), UploadParser.parse(vertx, ctx))));
        router.get(plain).handler(ctx -> blockingRaw(ctx, () -> {
            Script s = platform.script(plainRef(ctx));
            sendContent(ctx, s);
            return null;
        }));
        handle(router, HttpMethod.DELETE, plain, ctx -> {
            platform.deleteScript(plainRef(ctx));
            return null;
        });
        handle(router, HttpMethod.POST, plain + "/tails", ctx -> tails.create(plainRef(ctx), ctx));
        get(router, plain + "/tails", ctx -> tails.list(plainRef(ctx), ctx));
        handle(router, HttpMethod.DELETE, plain + "/tails/:tail", ctx -> tails.delete(plainRef(ctx), ctx));

        router.route(PREFIX + "/*").handler(ctx ->
                Envelope.error(ctx.response(), ApiError.noRoute(ctx.request().method().name(), ctx.request().path())));
        router.route(PREFIX + "/*").failureHandler(this::failure);
    }

    // ---- authentication: Bearer token, or X-Auth-Email + X-Auth-Key where the key is a token

    private void authenticate(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("authorization");
        String token = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).strip();
        } else if (ctx.request().getHeader("x-auth-key") != null) {
            token = ctx.request().getHeader("x-auth-key").strip();
        }
        if (token == null || token.isEmpty()) {
            Envelope.error(ctx.response(), ApiError.missingAuth());
            return;
        }
        String presented = token;
        vertx.executeBlocking(() -> platform.authenticate(presented), false).onComplete(result -> {
            if (result.failed() || result.result().isEmpty()) {
                Envelope.error(ctx.response(), ApiError.badAuth());
                return;
            }
            ctx.put("account", result.result().get());
            ctx.next();
        });
    }

    /** Renames ({@code name}) and/or sets the egress policy ({@code egress}, a tenantd extension). */
    private JsonNode updateNamespace(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        if (!body.path("name").isTextual() && !body.has("egress")) {
            throw new ApiError(400, 10014, "Send a JSON body with the new name, {\"name\": \"new-name\"}, "
                    + "and/or an egress policy, {\"egress\": {\"allow\": [], \"block\": []}}.");
        }
        String accountId = account(ctx);
        String name = ctx.pathParam("ns");
        EgressPolicy policy = body.has("egress") ? EgressPolicy.fromJson(body.get("egress"), "egress") : null;
        Namespace result = platform.namespace(accountId, name);
        if (body.path("name").isTextual()) {
            result = platform.renameNamespace(accountId, name, body.get("name").asText());
            name = result.name();
        }
        if (policy != null) {
            result = platform.setNamespaceEgress(accountId, name, policy);
        }
        return namespaceJson(result);
    }

    private String account(RoutingContext ctx) {
        String accountId = ctx.pathParam("account");
        if (!accountId.equals(ctx.get("account"))) {
            throw ApiError.wrongAccount(accountId);
        }
        platform.account(accountId);
        return accountId;
    }

    private ScriptRef namespaced(RoutingContext ctx) {
        return platform.ref(account(ctx), Optional.of(ctx.pathParam("ns")), ctx.pathParam("script"));
    }

    private ScriptRef plainRef(RoutingContext ctx) {
        return platform.ref(account(ctx), Optional.empty(), ctx.pathParam("script"));
    }

    private static JsonNode jsonBody(RoutingContext ctx) {
        try {
            Buffer body = ctx.body().buffer();
            JsonNode node = body == null || body.length() == 0 ? null : Envelope.JSON.readTree(body.getBytes());
            if (node == null || !node.isObject()) {
                throw new ApiError(400, 10014, "The request body must be a JSON object.");
            }
            return node;
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
                .put("has_modules", !v.serviceWorker()).put("has_assets", false).put("usage_model", "standard")
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
        ArrayNode bindings = o.putArray("bindings");
        for (BindingSpec b : v.bindings()) {
            ObjectNode bo = bindings.addObject().put("type", b.type()).put("name", b.name());
            if (!b.type().equals("secret_text")) {
                bo.setAll(b.fields().deepCopy());
            }
        }
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
            };
            out.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + m.name()
                    + "\"; filename=\"" + m.name() + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.appendBytes(platform.moduleContent(m)).appendString("\r\n");
        }
        out.appendString("--" + boundary + "--\r\n");
        String entryHeader = s.current().serviceWorker() ? "cf-worker-body-part" : "cf-worker-main-module-part";
        ctx.response().putHeader("content-type", "multipart/form-data; boundary=" + boundary)
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
            Envelope.ok(ctx.response(), result);
            return null;
        }));
    }

    private void blockingRaw(RoutingContext ctx, Callable<Void> work) {
        vertx.executeBlocking(work, false).onFailure(error -> respondError(ctx, error));
    }

    private void failure(RoutingContext ctx) {
        if (ctx.failure() != null) {
            respondError(ctx, ctx.failure());
        } else if (ctx.statusCode() == 413) {
            Envelope.error(ctx.response(), new ApiError(413, 10027, "The upload is larger than the "
                    + platform.limits().scriptSizeBytes() + "-byte script size limit."));
        } else {
            int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
            Envelope.error(ctx.response(), new ApiError(status, status == 400 ? 10014 : 10013,
                    status == 400 ? "The request could not be parsed." : "The request failed."));
        }
    }

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
