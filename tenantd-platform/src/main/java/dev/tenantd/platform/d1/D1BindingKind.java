package dev.tenantd.platform.d1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.binding.BindingKind;
import dev.tenantd.platform.binding.BindingScope;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code d1}: {@code {"type": "d1", "name": "DB", "id": "<uuid>"}} gives the worker
 * {@code env.DB}, a D1Database (d1.js) whose calls arrive here as {@code query} (statements,
 * run as one transaction) and {@code exec}. The id must name a database of the uploading
 * account, and calls reach only the binding's database in the script's own account.
 */
public final class D1BindingKind implements BindingKind {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(D1BindingKind.class);
    public static final String SCRIPT = "/dev/tenantd/platform/d1/d1.js";
    private static final int MAX_BATCH = 1_000;

    private final D1Databases d1;

    public D1BindingKind(D1Databases d1) {
        this.d1 = Objects.requireNonNull(d1, "d1");
    }

    @Override
    public String type() {
        return "d1";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        // wrangler sends "id"; Cloudflare's API documents "id", and some clients send "database_id"
        JsonNode id = fields.hasNonNull("id") ? fields.get("id") : fields.get("database_id");
        if (id == null || !id.isTextual()) {
            throw new PlatformException(Problem.INVALID_BINDING, "Binding '" + name + "' of type d1 needs a string "
                    + "field 'id': the database's UUID, as 'wrangler d1 create' or 'wrangler d1 list' prints it.");
        }
        String uuid = id.textValue();
        if (d1.findNow(scope.accountId(), uuid).isEmpty()) {
            throw new PlatformException(Problem.INVALID_BINDING, "Binding '" + name + "' of type d1 names database '"
                    + uuid + "', which this account does not have; create it with 'wrangler d1 create <name>' and use "
                    + "the id it prints.");
        }
        ObjectNode stored = fields.objectNode();
        stored.put("id", uuid);
        return stored;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return new Binding.Channel(stored.name(), "d1", channel, "{}");
    }

    @Override
    public CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        String uuid = stored.fields().path("id").asText();
        try {
            JsonNode args = D1Wire.JSON.readTree(call.args());
            CompletableFuture<ChannelReply> reply = switch (call.operation()) {
                case "query" -> d1.query(scope.accountId(), uuid, statements(args), D1Databases.byWorker(scope.script()))
                        .thenApply(results -> {
                    D1Wire.Packed packed = D1Wire.packed(results.stream().map(List::getLast).toList());
                    return ChannelReply.data(packed.text(), packed.bytes());
                });
                case "exec" -> d1.exec(scope.accountId(), uuid, args.path("sql").asText(), D1Databases.byWorker(scope.script()))
                        .thenApply(r -> ChannelReply.data(D1Wire.JSON.createObjectNode().put("count", r.count())
                                .put("duration", r.durationMs()).toString()));
                default -> BindingKind.super.call(stored, call, scope);
            };
            return reply.exceptionallyCompose(e -> CompletableFuture.failedFuture(forWorker(e)));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(forWorker(e));
        }
    }

    private static List<D1Statement> statements(JsonNode args) {
        JsonNode list = args.path("statements");
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_BATCH) {
            throw new D1Exception(D1Exception.Kind.INVALID, "a batch holds 1 to " + MAX_BATCH + " statements");
        }
        List<D1Statement> out = new ArrayList<>(list.size());
        list.forEach(s -> out.add(D1Wire.statement(s)));
        return out;
    }

    /** The error the worker sees: D1's message as an Error, the host's own failures in general terms. */
    private static Throwable forWorker(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof D1Exception d) {
            return new InvocationException(Outcome.EXCEPTION, "Error", d.workerMessage());
        }
        if (cause instanceof InvocationException i) {
            return i;
        }
        LOG.warn("a D1 call failed", cause);
        return new InvocationException(Outcome.EXCEPTION, "Error", "D1_ERROR: the query failed inside tenantd; "
                + "the server log has the details");
    }

    @Override
    public Optional<String> script() {
        return Optional.of(SCRIPT);
    }
}
