package dev.tenantd.platform;

import dev.tenantd.runtime.Caller;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.HostSocket;
import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.LogLine;
import dev.tenantd.runtime.SocketRequest;
import dev.tenantd.runtime.WorkerHost;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one script version's host calls: its subrequests through the egress, and calls
 * on its own bindings through their kinds. Nothing else is reachable.
 */
final class PlatformWorkerHost implements WorkerHost {
    private static final Logger WORKER_LOG = LoggerFactory.getLogger("tenantd.worker");

    private final Invoker platform;
    private final Egress egress;
    private volatile Script script;

    PlatformWorkerHost(Invoker platform, Script script, Egress egress) {
        this.platform = platform;
        this.script = script;
        this.egress = egress;
    }

    /**
     * A host for a version being uploaded: the isolate that validates it is kept to serve
     * it, and the host learns its stored script once the upload is saved. Until then the
     * isolate runs no invocation, so only logs can arrive.
     */
    static PlatformWorkerHost forUpload(Invoker platform, Egress egress) {
        return new PlatformWorkerHost(platform, null, egress);
    }

    void bind(Script stored) {
        this.script = stored;
    }

    @Override
    public void invocationEnded(dev.tenantd.runtime.InvocationRecord record) {
        Script current = script;
        if (current != null) {
            platform.invocationEnded(current.ref(), record);
        }
    }

    @Override
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
        return fetch(request, Caller.OUTSIDE);
    }

    /**
     * A subrequest of a call that serves a user worker's chain (its outbound worker's, or a
     * platform worker's it called) is made in that user worker's name: it takes from that
     * worker's share of the connections and name lookups, so one tenant's hanging subrequests
     * never hold those of every tenant behind the same outbound worker.
     */
    @Override
    public CompletableFuture<WorkerResponse> fetch(WorkerRequest request, Caller caller) {
        return egress.fetch(request, platform.egressPolicies(script), caller.onBehalfOf().orElse(script.ref()));
    }

    @Override
    public CompletableFuture<HostSocket> connect(SocketRequest request) {
        return egress.connect(request, platform.egressPolicies(script), script.ref());
    }

    @Override
    public CompletableFuture<ChannelReply> call(ChannelCall call) {
        return platform.callBinding(script, call);
    }

    @Override
    public String callNow(ChannelCall call) {
        return platform.callBindingNow(script, call);
    }

    @Override
    public InvocationObserver observeWebSocketEvent(String type) {
        Script current = script;
        return current == null ? InvocationObserver.NONE : platform.observeWebSocketEvent(current, type);
    }

    /**
     * A worker's console line in the server's log: cut to {@link #MAX_SERVER_LOG_CHARS}, with line
     * breaks and other control characters escaped ({@link ServerLogText}).
     */
    @Override
    public void log(LogLine line) {
        if (!WORKER_LOG.isInfoEnabled()) {
            return;
        }
        Script current = script;
        WORKER_LOG.info("[{}] {}: {}", current == null ? line.scriptName() : current.ref(), line.level(),
                ServerLogText.oneLine(line.message(), MAX_SERVER_LOG_CHARS));
    }

    /** The most of one console line the server's log shows. */
    static final int MAX_SERVER_LOG_CHARS = 2_048;
}
