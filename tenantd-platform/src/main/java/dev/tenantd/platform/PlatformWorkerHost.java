package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.InvocationLimits;
import dev.tenantd.runtime.LogLine;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerHost;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers one script version's host calls with its own bindings: nothing else is reachable. */
final class PlatformWorkerHost implements WorkerHost {
    private static final Logger WORKER_LOG = LoggerFactory.getLogger("tenantd.worker");

    private final Platform platform;
    private final Egress egress;
    private volatile Script script;

    PlatformWorkerHost(Platform platform, Script script, Egress egress) {
        this.platform = platform;
        this.script = script;
        this.egress = egress;
    }

    /**
     * A host for a version being uploaded: the isolate that validates it is kept to serve
     * it, and the host learns its stored script once the upload is saved. Until then the
     * isolate runs no invocation, so only logs can arrive.
     */
    static PlatformWorkerHost forUpload(Platform platform, Egress egress) {
        return new PlatformWorkerHost(platform, null, egress);
    }

    void bind(Script stored) {
        this.script = stored;
    }

    @Override
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, Optional<Object> context) {
        if (context.isPresent() && context.get() instanceof Outbound outbound) {
            return platform.invokeOutbound(outbound, request);
        }
        return egress.fetch(request, platform.egressPolicies(script));
    }

    @Override
    public boolean dispatchTargetExists(String binding, String target) {
        return namespaceOf(binding)
                .map(ns -> platform.userWorkerExists(script.ref().accountId(), ns, target))
                .orElse(false);
    }

    @Override
    public CompletableFuture<WorkerResponse> dispatch(String binding, String target, WorkerRequest request,
            String optionsJson) {
        Optional<String> ns = namespaceOf(binding);
        if (ns.isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION,
                    "'" + binding + "' is not a dispatch namespace binding"));
        }
        InvocationLimits callLimits;
        try {
            callLimits = callLimits(platform.limits(), optionsJson);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError", e.getMessage()));
        }
        Optional<Outbound> outbound;
        try {
            outbound = outbound(binding, optionsJson);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError", e.getMessage()));
        }
        return platform.invokeUserWorker(script.ref().accountId(), ns.get(), target, request, callLimits, outbound);
    }

    @Override
    public CompletableFuture<WorkerResponse> service(String binding, WorkerRequest request) {
        if (script.current().bindings().stream().anyMatch(b -> b.name().equals(binding) && b.type().equals("assets"))) {
            return platform.serveAsset(script.current(), request);
        }
        Optional<String> service = field(binding, "service", "service");
        if (service.isEmpty()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION,
                    "'" + binding + "' is not a service binding"));
        }
        return platform.invoke(ScriptRef.plain(script.ref().accountId(), service.get()), request);
    }

    @Override
    public void log(LogLine line) {
        Script current = script;
        WORKER_LOG.info("[{}] {}: {}", current == null ? line.scriptName() : current.ref(), line.level(), line.message());
    }

    /**
     * The binding's outbound worker, if it declares one, with the values of its declared
     * parameters taken from {@code get(..., {outbound: {...}})}; undeclared values are ignored.
     */
    private Optional<Outbound> outbound(String binding, String optionsJson) {
        JsonNode declared = script.current().bindings().stream()
                .filter(b -> b.name().equals(binding) && b.type().equals("dispatch_namespace"))
                .map(b -> b.fields().path("outbound"))
                .findFirst().orElse(null);
        if (declared == null || !declared.isObject()) {
            return Optional.empty();
        }
        String service = declared.path("worker").path("service").asText();
        JsonNode given;
        try {
            given = Platform.JSON.readTree(optionsJson).path("outbound");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("invalid options for get(): " + e.getMessage());
        }
        com.fasterxml.jackson.databind.node.ObjectNode params = Platform.JSON.createObjectNode();
        for (JsonNode p : declared.path("params")) {
            String name = p.path("name").asText();
            JsonNode value = given.path(name);
            params.set(name, value.isMissingNode() ? Platform.JSON.nullNode() : value);
        }
        return Optional.of(new Outbound(script.ref().accountId(), service, params.toString()));
    }

    /**
     * {@code get(name, args, {limits: {cpuMs, subRequests}})}: the platform's per-invocation
     * limits narrowed by the values the call gives; never wider than the platform's.
     */
    static InvocationLimits callLimits(Limits platform, String optionsJson) {
        InvocationLimits base = platform.invocation();
        try {
            JsonNode limits = Platform.JSON.readTree(optionsJson).path("limits");
            if (limits.isMissingNode() || limits.isNull()) {
                return base;
            }
            long cpu = limits.path("cpuMs").asLong(0);
            int sub = limits.has("subRequests") ? limits.get("subRequests").asInt(-1) : -1;
            if (limits.has("cpuMs") && cpu < 1) {
                throw new IllegalArgumentException("limits.cpuMs must be a positive number of milliseconds");
            }
            return base.narrow(cpu, sub);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("invalid options for get(): " + e.getMessage());
        }
    }

    private Optional<String> namespaceOf(String binding) {
        return field(binding, "dispatch_namespace", "namespace");
    }

    private Optional<String> field(String binding, String type, String field) {
        return script.current().bindings().stream()
                .filter(b -> b.name().equals(binding) && b.type().equals(type))
                .map(b -> b.fields().path(field).asText())
                .findFirst();
    }
}
