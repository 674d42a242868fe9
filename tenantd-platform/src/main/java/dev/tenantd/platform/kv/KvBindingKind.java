package dev.tenantd.platform.kv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.binding.BindingKind;
import dev.tenantd.platform.binding.BindingKinds;
import dev.tenantd.platform.binding.BindingScope;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code kv_namespace}: {@code env.NAME} is a {@code KVNamespace} (kv.js) over a namespace
 * of the script's own account. Calls carry their arguments as JSON and values as bytes;
 * a refusal reaches the worker as Workers words it, {@code KV PUT failed: 413 ...}.
 *
 * <p>Operations: {@code get} {key} and {@code getMany} {keys} answer {found, metadata,
 * expiration} (per key, with where its value lies in the bytes, which join the values);
 * {@code put} {key, expiration?, expirationTtl?, metadata?} takes the value as bytes;
 * {@code delete} {key}; {@code list} {prefix, limit, cursor}.
 */
public final class KvBindingKind implements BindingKind {
    public static final String SCRIPT = "/dev/tenantd/platform/kv/kv.js";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KvService kv;

    public KvBindingKind(KvService kv) {
        this.kv = Objects.requireNonNull(kv, "kv");
    }

    @Override
    public String type() {
        return "kv_namespace";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        String id = BindingKinds.requireText(name, type(), fields, "namespace_id");
        try {
            // Uploads are checked on an API worker thread, where waiting for the store is allowed.
            kv.namespace(scope.accountId(), id).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof KvException k && k.problem() == KvProblem.NAMESPACE_NOT_FOUND) {
                throw new PlatformException(Problem.INVALID_BINDING, "Binding '" + name + "' of type kv_namespace names "
                        + "namespace_id '" + id + "', which is no KV namespace of this account. Create one first "
                        + "(wrangler kv namespace create) and use the id it prints.");
            }
            if (e.getCause() instanceof KvException k && k.problem() == KvProblem.OVERLOADED) {
                throw new PlatformException(Problem.OVERLOADED, "Binding '" + name + "' could not be checked now ("
                        + k.getMessage() + "); nothing was changed.");
            }
            throw e;
        }
        ObjectNode stored = JSON.createObjectNode();
        stored.put("namespace_id", id);
        return stored;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return new Binding.Channel(stored.name(), type(), channel, "{}");
    }

    @Override
    public Optional<String> script() {
        return Optional.of(SCRIPT);
    }

    @Override
    public CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        String account = scope.accountId();
        String namespace = stored.fields().path("namespace_id").asText();
        JsonNode args;
        try {
            args = JSON.readTree(call.args());
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    "KV: the call's arguments are not JSON."));
        }
        String operation = call.operation();
        CompletableFuture<ChannelReply> reply;
        try {
            reply = switch (operation) {
                case "get" -> kv.get(account, namespace, args.path("key").asText())
                        .thenApply(found -> ChannelReply.data(entryJson(found).toString(), found.map(KvEntry::value).orElse(null)));
                case "getMany" -> kv.getMany(account, namespace, texts(args.path("keys"))).thenApply(KvBindingKind::many);
                case "put" -> kv.put(account, namespace, List.of(kv.write(args.path("key").asText(), call.bytes(), expiry(args),
                                args.hasNonNull("metadata") ? Optional.of(args.get("metadata").asText()) : Optional.empty())))
                        .thenApply(done -> ChannelReply.data(""));
                case "delete" -> kv.delete(account, namespace, List.of(args.path("key").asText()))
                        .thenApply(done -> ChannelReply.data(""));
                case "list" -> kv.list(account, namespace, args.path("prefix").asText(""), args.path("limit").asLong(1000),
                        args.hasNonNull("cursor") ? Optional.of(args.get("cursor").asText()) : Optional.empty())
                        .thenApply(page -> ChannelReply.data(pageJson(page).toString()));
                default -> BindingKind.super.call(stored, call, scope);
            };
        } catch (KvException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.exceptionallyCompose(error -> CompletableFuture.failedFuture(asWorkerError(operation, error)));
    }

    private static KvExpiry expiry(JsonNode args) {
        if (args.hasNonNull("expirationTtl")) {
            return new KvExpiry.Ttl(whole(args.get("expirationTtl"), "expiration_ttl", KvProblem.INVALID_EXPIRATION_TTL));
        }
        if (args.hasNonNull("expiration")) {
            return new KvExpiry.At(whole(args.get("expiration"), "expiration", KvProblem.INVALID_EXPIRATION));
        }
        return KvExpiry.NEVER;
    }

    private static long whole(JsonNode n, String name, KvProblem problem) {
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new KvException(problem, "Invalid " + name + " of " + n.asText() + ". Please specify integer greater than 0.");
        }
        return (long) Math.floor(n.asDouble());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(k -> out.add(k.asText()));
        return out;
    }

    private static ObjectNode entryJson(Optional<KvEntry> found) {
        ObjectNode o = JSON.createObjectNode().put("found", found.isPresent());
        found.ifPresent(e -> {
            o.put("length", e.value().length);
            o.set("metadata", e.metadata().map(KvBindingKind::parse).orElse(JSON.nullNode()));
            e.expiration().ifPresent(x -> o.put("expiration", x));
        });
        return o;
    }

    private static ChannelReply many(Map<String, Optional<KvEntry>> found) {
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode entries = answer.putObject("entries");
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        found.forEach((key, entry) -> {
            ObjectNode json = entryJson(entry);
            json.put("offset", values.size());
            entries.set(key, json);
            entry.ifPresent(e -> values.writeBytes(e.value()));
        });
        return ChannelReply.data(answer.toString(), values.toByteArray());
    }

    private static ObjectNode pageJson(KvPage page) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode keys = o.putArray("keys");
        for (KvKey k : page.keys()) {
            ObjectNode key = keys.addObject().put("name", k.name());
            k.expiration().ifPresent(e -> key.put("expiration", e));
            k.metadata().ifPresent(m -> key.set("metadata", parse(m)));
        }
        o.put("list_complete", page.listComplete());
        page.cursor().ifPresent(c -> o.put("cursor", c));
        return o;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored KV metadata is not JSON", e);
        }
    }

    /** A refusal as Workers reports it: {@code KV <OP> failed: <status> <message>}. */
    private static Throwable asWorkerError(String operation, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof KvException e) {
            String op = switch (operation) {
                case "getMany" -> "GET_BULK";
                case "get" -> "GET";
                default -> operation.toUpperCase(java.util.Locale.ROOT);
            };
            return new InvocationException(Outcome.EXCEPTION, "Error", "KV " + op + " failed: " + e.problem().status() + " "
                    + e.getMessage());
        }
        return cause;
    }
}
