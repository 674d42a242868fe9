package dev.tenantd.platform.binding;

import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Outbound;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.runtime.Caller;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.Entrypoint;
import dev.tenantd.runtime.InvocationLimits;
import dev.tenantd.runtime.RpcCall;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the bindings that reach other workers (service, dispatch namespace, assets) ask of the platform. */
public interface WorkerCalls {

    /** The platform's limits, which a call can only narrow. */
    Limits limits();

    /**
     * Runs the fetch handler of an entrypoint of a plain worker of the account, as an invocation
     * started by {@code caller}. Fails with an {@link dev.tenantd.runtime.InvocationException}.
     */
    CompletableFuture<WorkerResponse> invokePlain(String accountId, String script, WorkerRequest request,
            Entrypoint entrypoint, Caller caller);

    /** Whether a user worker exists in a dispatch namespace; answered from memory once warm, never blocking long. */
    boolean userWorkerExists(String accountId, String namespace, String script);

    /**
     * Runs a user worker of a dispatch namespace within {@code callLimits}, its subrequests going
     * to {@code outbound} if given, for the worker {@code via} whose binding it is (which may hold
     * only a share of its invocations waiting for one user worker).
     */
    CompletableFuture<WorkerResponse> invokeUserWorker(String accountId, String namespace, String script,
            WorkerRequest request, InvocationLimits callLimits, Optional<Outbound> outbound, Caller caller, ScriptRef via);

    /**
     * Calls a method of an entrypoint of a plain worker of the account (JS RPC), as an
     * invocation started by {@code caller}: {@code ok} or {@code error} with the bytes rpc.js reads.
     * Fails with an {@link dev.tenantd.runtime.InvocationException}.
     */
    CompletableFuture<ChannelReply> callPlain(String accountId, String script, Entrypoint entrypoint, RpcCall call,
            Caller caller);

    /** Calls a method of a user worker of a dispatch namespace (JS RPC), as {@link #invokeUserWorker} runs it. */
    CompletableFuture<ChannelReply> callUserWorker(String accountId, String namespace, String script, RpcCall call,
            InvocationLimits callLimits, Optional<Outbound> outbound, Caller caller, ScriptRef via);

    /** The version's static asset for the request, or a 404. */
    CompletableFuture<WorkerResponse> serveAsset(ScriptVersion version, WorkerRequest request);
}
