package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Names;
import dev.tenantd.platform.Outbound;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.InvocationLimits;
import dev.tenantd.runtime.Outcome;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code dispatch_namespace}: {@code env.NAME.get(script, args, {limits, outbound}).fetch(request)}
 * runs a user worker of the namespace, within limits the call can only narrow, its
 * subrequests going through the binding's outbound worker if it declares one.
 */
public final class DispatchNamespaceKind implements BindingKind {
    /** The worker-side wrapper, {@code DispatchNamespace}. */
    public static final String SCRIPT = "/dev/tenantd/platform/binding/dispatch-namespace.js";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WorkerCalls workers;

    public DispatchNamespaceKind(WorkerCalls workers) {
        this.workers = Objects.requireNonNull(workers);
    }

    @Override
    public String type() {
        return "dispatch_namespace";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        // The namespace may be created after the dispatch worker; it is looked up per request.
        Names.namespace(BindingKinds.requireText(name, type(), fields, "namespace"));
        validateOutbound(name, fields.get("outbound"));
        return fields;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return new Binding.Channel(stored.name(), "dispatch_namespace", channel, "{}");
    }

    @Override
    public Optional<String> script() {
        return Optional.of(SCRIPT);
    }

    /** {@code exists}: whether the script named by the args is in the namespace now. */
    @Override
    public String callNow(BindingSpec stored, ChannelCall call, BindingScope scope) {
        if (!call.operation().equals("exists")) {
            return BindingKind.super.callNow(stored, call, scope);
        }
        return workers.userWorkerExists(scope.accountId(), namespace(stored), call.args()) ? "yes" : "no";
    }

    /**
     * {@code dispatch}: args are {@code {script, args, limits, outbound}} as JSON; the call carries
     * the request. {@code rpc}: a method of the user worker's default export (JS RPC), its
     * target those same options.
     */
    @Override
    public CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        boolean rpc = call.operation().equals(EntrypointCall.OPERATION);
        if (!rpc && (!call.operation().equals("dispatch") || call.request().isEmpty())) {
            return BindingKind.super.call(stored, call, scope);
        }
        JsonNode options;
        InvocationLimits callLimits;
        Optional<Outbound> outbound;
        EntrypointCall target = null;
        try {
            if (rpc) {
                target = EntrypointCall.of(call);
            }
            options = options(rpc ? target.target() : call.args());
            if (options == null || !options.path("script").isTextual()) {
                throw new IllegalArgumentException("get() needs the name of a worker");
            }
            callLimits = callLimits(workers.limits(), options);
            outbound = outbound(stored, scope, options);
        } catch (IOException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                    e instanceof IOException ? "invalid options for get(): " + e.getMessage() : e.getMessage()));
        } catch (InvocationException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (rpc) {
            return workers.callUserWorker(scope.accountId(), namespace(stored), options.get("script").asText(),
                    target.call(call), callLimits, outbound, call.caller().next(), scope.script());
        }
        return workers.invokeUserWorker(scope.accountId(), namespace(stored), options.get("script").asText(),
                call.request().get(), callLimits, outbound, call.caller().next(), scope.script()).thenApply(ChannelReply::response);
    }

    /** What {@code get(name)} sends with no arguments and no options: {@code {"args":null,"script":"NAME"}}. */
    private static final String PLAIN_GET = "{\"args\":null,\"script\":\"";
    /** The longest name read without the parser: far beyond any worker's name. */
    private static final int PLAIN_NAME_MAX = 1024;

    /**
     * The options of a call as JSON. The common one, {@code get(name)} alone with a name that
     * needs no escaping, is taken apart without the JSON parser, whose parse was a good part of
     * the garbage the dispatch hop makes per request; any other text is parsed.
     */
    static JsonNode options(String args) throws IOException {
        int from = PLAIN_GET.length();
        int to = args.length() - 2;
        // Longer names go to the parser too, which refuses strings past its own limit.
        if (to >= from && to - from <= PLAIN_NAME_MAX && args.startsWith(PLAIN_GET) && args.endsWith("\"}")) {
            boolean plain = true;
            for (int i = from; i < to && plain; i++) {
                char c = args.charAt(i);
                plain = c != '"' && c != '\\' && c >= ' ';
            }
            if (plain) {
                return JSON.createObjectNode().putNull("args").put("script", args.substring(from, to));
            }
        }
        return JSON.readTree(args);
    }

    private static String namespace(BindingSpec stored) {
        return stored.fields().path("namespace").asText();
    }

    /**
     * {@code get(name, args, {limits: {cpuMs, subRequests}})}: the platform's per-invocation
     * limits narrowed by the values the call gives; never wider than the platform's.
     */
    public static InvocationLimits callLimits(Limits platform, JsonNode options) {
        InvocationLimits base = platform.invocation();
        JsonNode limits = options.path("limits");
        if (limits.isMissingNode() || limits.isNull()) {
            return base;
        }
        long cpu = limits.path("cpuMs").asLong(0);
        if (limits.has("cpuMs") && cpu < 1) {
            throw new IllegalArgumentException("limits.cpuMs must be a positive number of milliseconds");
        }
        int sub = -1;
        JsonNode given = limits.path("subRequests");
        if (!given.isMissingNode() && !given.isNull()) {
            // A value that is not a count must not pass for "no opinion": the call would run unlimited.
            double count = given.isNumber() ? given.asDouble() : given.isTextual() ? number(given.asText()) : Double.NaN;
            if (!(count >= 0) || count != Math.floor(count)) {
                throw new IllegalArgumentException("limits.subRequests must be a whole number of subrequests, 0 or more");
            }
            sub = (int) Math.min(count, Integer.MAX_VALUE);
        }
        return base.narrow(cpu, sub);
    }

    /** A number written as text, as JavaScript would convert it; NaN when it is none. */
    private static double number(String text) {
        try {
            return text.isBlank() ? Double.NaN : Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The binding's outbound worker, if it declares one, with the values of its declared
     * parameters taken from {@code get(..., {outbound: {...}})}; undeclared values are ignored.
     */
    private static Optional<Outbound> outbound(BindingSpec stored, BindingScope scope, JsonNode options) {
        JsonNode declared = stored.fields().path("outbound");
        if (!declared.isObject()) {
            return Optional.empty();
        }
        String service = declared.path("worker").path("service").asText();
        JsonNode given = options.path("outbound");
        ObjectNode params = JSON.createObjectNode();
        for (JsonNode p : declared.path("params")) {
            String name = p.path("name").asText();
            JsonNode value = given.path(name);
            params.set(name, value.isMissingNode() ? JSON.nullNode() : value);
        }
        return Optional.of(new Outbound(scope.accountId(), service, params.toString()));
    }

    /** {@code outbound: {worker: {service: "name"}, params: [{name: "customer"}]}}, all optional but the service. */
    private static void validateOutbound(String binding, JsonNode outbound) {
        if (outbound == null || outbound.isNull()) {
            return;
        }
        String where = "Binding '" + binding + "': outbound";
        if (!outbound.isObject() || !outbound.path("worker").path("service").isTextual()) {
            throw new PlatformException(Problem.INVALID_BINDING, where
                    + " must be {\"worker\": {\"service\": \"outbound-worker\"}, \"params\": [{\"name\": \"...\"}]}.");
        }
        Names.script(outbound.path("worker").path("service").asText());
        JsonNode params = outbound.path("params");
        if (!params.isMissingNode() && !params.isNull()) {
            if (!params.isArray()) {
                throw new PlatformException(Problem.INVALID_BINDING, where + ".params must be an array of {\"name\": ...}.");
            }
            for (JsonNode p : params) {
                if (!p.path("name").isTextual() || !p.path("name").asText().matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                    throw new PlatformException(Problem.INVALID_BINDING, where
                            + ".params entries need a 'name' that is a JavaScript identifier.");
                }
            }
        }
    }
}
