package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@code service}: another plain worker of the account, {@code env.NAME.fetch(request)}, and its
 * methods over JS RPC ({@code await env.NAME.method(...)}) on the default export or the named
 * {@code entrypoint}, whose {@code ctx.props} are the binding's {@code props}.
 */
public final class ServiceKind implements BindingKind {
    private final WorkerCalls workers;

    public ServiceKind(WorkerCalls workers) {
        this.workers = Objects.requireNonNull(workers);
    }

    @Override
    public String type() {
        return "service";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        BindingKinds.requireText(name, type(), fields, "service");
        EntrypointCall.checkEntrypoint(name, fields);
        EntrypointCall.checkProps(name, fields);
        return fields;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return new Binding.Channel(stored.name(), "fetcher", channel, "{}");
    }

    @Override
    public CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        if (call.operation().equals(EntrypointCall.OPERATION)) {
            EntrypointCall target;
            try {
                target = EntrypointCall.of(call);
            } catch (InvocationException e) {
                return CompletableFuture.failedFuture(e);
            }
            return workers.callPlain(scope.accountId(), stored.fields().path("service").asText(),
                    EntrypointCall.entrypoint(stored.fields()), target.call(call), call.caller().next());
        }
        if (!call.operation().equals("fetch") || call.request().isEmpty()) {
            return BindingKind.super.call(stored, call, scope);
        }
        String service = stored.fields().path("service").asText();
        return workers.invokePlain(scope.accountId(), service, call.request().get(), EntrypointCall.entrypoint(stored.fields()),
                call.caller().next()).thenApply(ChannelReply::response);
    }
}
