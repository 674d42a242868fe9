package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@code assets}: the version's static assets, {@code env.ASSETS.fetch(request)}; no fields. */
public final class AssetsKind implements BindingKind {
    private final WorkerCalls workers;

    public AssetsKind(WorkerCalls workers) {
        this.workers = Objects.requireNonNull(workers);
    }

    @Override
    public String type() {
        return "assets";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        return fields;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return new Binding.Channel(stored.name(), "fetcher", channel, "{}");
    }

    @Override
    public CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        if (!call.operation().equals("fetch") || call.request().isEmpty() || scope.version().isEmpty()) {
            return BindingKind.super.call(stored, call, scope);
        }
        return workers.serveAsset(scope.version().get(), call.request().get()).thenApply(ChannelReply::response);
    }
}
