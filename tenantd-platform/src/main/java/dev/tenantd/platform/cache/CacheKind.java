package dev.tenantd.platform.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.platform.binding.BindingKind;
import dev.tenantd.platform.binding.BindingScope;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Cache API's channel, which every worker has without naming it ({@link #unnamed()}):
 * its wrapper, {@code cache.js}, installs {@code caches}. Whose entries a worker reaches
 * follows Cloudflare's isolation rule for Workers for Platforms:
 * <ul>
 *   <li>a user worker in an untrusted dispatch namespace (the default) has a cache of its own
 *       for {@code caches.open(name)}, and {@code caches.default} is disabled: it stores
 *       nothing and matches nothing;</li>
 *   <li>the user workers of a namespace with {@code trusted_workers} share one cache space,
 *       {@code caches.default} included;</li>
 *   <li>the account's plain workers (dispatch workers, outbound workers ...) share the account's.</li>
 * </ul>
 * Operations: {@code match} {cache, url, headers} answers {status, statusText, headers} and
 * the body, or nothing on a miss; {@code put} {cache, url, requestHeaders, status, statusText,
 * headers} with the body; {@code delete} {cache, url} answers {@code true} or {@code false}.
 * A {@code cache} of null is {@code caches.default}.
 */
public final class CacheKind implements BindingKind {
    public static final String SCRIPT = "/dev/tenantd/platform/cache/cache.js";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NAME_BYTES = 1024;

    /** Whether a dispatch namespace (by id) is trusted ({@code trusted_workers}); asked on every call. */
    @FunctionalInterface
    public interface NamespaceTrust {
        boolean trusted(String namespaceId);
    }

    private final CacheService cache;
    private final NamespaceTrust trust;

    public CacheKind(CacheService cache, NamespaceTrust trust) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.trust = Objects.requireNonNull(trust, "trust");
    }

    @Override
    public String type() {
        return "cache";
    }

    @Override
    public boolean unnamed() {
        return true;
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        throw new IllegalStateException("the cache is no binding type an upload can name");
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return Binding.unnamed(type(), channel, JSON.createObjectNode()
                .put("maxObjectBytes", cache.limits().maxObjectBytes()).toString());
    }

    @Override
    public Optional<String> script() {
        return Optional.of(SCRIPT);
    }

    /**
     * The key space of a worker's caches, or empty where the cache is disabled ({@code caches.default}
     * of an untrusted user worker). A user worker's is its script's id, not its name: a script
     * uploaded under the name of a deleted one (another customer's, say) starts with an empty cache.
     */
    Optional<String> scope(BindingScope scope, Optional<String> name) {
        ScriptRef ref = scope.script();
        if (ref.namespace().isEmpty()) {
            return Optional.of("account:" + ref.accountId());
        }
        if (trust.trusted(ref.namespaceId())) {
            return Optional.of("namespace:" + ref.accountId() + "/" + ref.namespaceId());
        }
        Optional<String> scriptId = scope.version().map(ScriptVersion::scriptId);
        return name.flatMap(n -> scriptId.map(id -> "script:" + ref.accountId() + "/" + ref.namespaceId() + "/" + id));
    }

    @Override
    public CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        try {
            JsonNode args = JSON.readTree(call.args());
            Optional<String> name = args.path("cache").isTextual() ? Optional.of(args.get("cache").asText()) : Optional.empty();
            if (name.isPresent() && name.get().getBytes(StandardCharsets.UTF_8).length >= MAX_NAME_BYTES) {
                throw typeError("Cache name is too long.");
            }
            if (!args.path("url").isTextual()) {
                throw typeError("Invalid URL. Cache API keys must be fully-qualified, valid URLs.");
            }
            Optional<CacheKey> key = scope(scope, name).map(s -> CacheKey.of(s, name, args.get("url").asText()));
            CompletableFuture<ChannelReply> reply = switch (call.operation()) {
                case "match" -> key.isEmpty() ? CompletableFuture.completedFuture(ChannelReply.data(""))
                        : cache.match(key.get(), HttpFields.parse(args.path("headers").asText(""))).thenApply(CacheKind::answer);
                case "put" -> put(key, args, call.bytes());
                case "delete" -> key.isEmpty() ? CompletableFuture.completedFuture(ChannelReply.data("false"))
                        : cache.delete(key.get()).thenApply(found -> ChannelReply.data(found.toString()));
                default -> BindingKind.super.call(stored, call, scope);
            };
            return reply.exceptionallyCompose(error -> CompletableFuture.failedFuture(asWorkerError(error)));
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(typeError("Cache: the call's arguments are not JSON."));
        } catch (InvocationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<ChannelReply> put(Optional<CacheKey> key, JsonNode args, byte[] body) {
        int status = args.path("status").asInt(0);
        if (status == 206) {
            throw typeError("Cannot cache response to a range request (206 Partial Content).");
        }
        if (status < 200 || status > 599) {
            throw typeError("Cache is unable to store a response with status " + status + ".");
        }
        HttpFields headers = HttpFields.parse(args.path("headers").asText(""));
        if (headers.get("vary").orElse("").contains("*")) {
            throw typeError("Cannot cache response with 'Vary: *' header.");
        }
        if (key.isEmpty()) {
            return CompletableFuture.completedFuture(ChannelReply.data(""));
        }
        return cache.put(key.get(), HttpFields.parse(args.path("requestHeaders").asText("")), status,
                args.path("statusText").asText(""), headers, body).thenApply(stored -> ChannelReply.data(""));
    }

    private static ChannelReply answer(Optional<CacheAnswers.Answer> found) {
        if (found.isEmpty()) {
            return ChannelReply.data("");
        }
        CacheAnswers.Answer a = found.get();
        return ChannelReply.data(JSON.createObjectNode().put("status", a.status()).put("statusText", a.statusText())
                .put("headers", a.headers().joined()).toString(), a.body());
    }

    private static InvocationException typeError(String message) {
        return new InvocationException(Outcome.EXCEPTION, "TypeError", message);
    }

    private static Throwable asWorkerError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return switch (cause) {
            case InvocationException e -> e;
            case IllegalArgumentException e -> typeError(e.getMessage());
            case IllegalStateException e -> new InvocationException(Outcome.EXCEPTION, "Error", e.getMessage());
            default -> new InvocationException(Outcome.EXCEPTION, "Error", "The cache could not complete the call: "
                    + cause.getMessage());
        };
    }
}
