package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytes;
import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.isTrue;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * JS RPC across isolates, both ways: the functions and {@code RpcTarget}s this isolate passes
 * with an RPC call, which the target may call back while that call lasts ({@code callExport},
 * answered by the {@code exportReturned} host call), and the stubs this isolate received,
 * whose calls go back through the invocation they arrived with ({@code callBack}).
 * Touched only inside the isolate's turns, but {@link #caller}'s callbacks, which post turns.
 */
final class RpcExports {
    private static final String STUB_ENDED = "The RPC stub is no longer usable: the call it was passed with has ended.";

    private final IsolateTurns isolate;
    private final Subrequests subrequests;
    /** Calls of RPC targets into functions this isolate passed them, waiting for their answer. */
    private final Map<Integer, ExportCall> exportCalls = new HashMap<>();
    private int nextExportCall;

    /** {@code depth}: the depth the function runs at, one below the invocation that called it back. */
    private record ExportCall(CompletableFuture<ChannelReply.Data> result, Invocation owner, int depth) {
    }

    RpcExports(IsolateTurns isolate, Subrequests subrequests) {
        this.isolate = isolate;
        this.subrequests = subrequests;
    }

    void bind(Map<HostCall, IsolateShell.HostFunction> target) {
        // A call of a function or RpcTarget that the RPC caller of an invocation passed it:
        // (id, invocation, position, method, bytes). It goes to that invocation's caller, while
        // that invocation lasts, and counts as a subrequest of the invocation making it.
        target.put(HostCall.CALL_BACK, args -> {
            int call = integer(args[0]);
            Invocation owner = isolate.current();
            Invocation receiver = isolate.invocation(integer(args[1]));
            Optional<RpcCallbacks> callbacks = receiver == null ? Optional.empty() : receiver.caller.callbacks();
            if (callbacks.isEmpty()) {
                subrequests.ownedBy(call, owner);
                subrequests.reply(call, CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                        "The RPC stub is no longer usable: it can only be called while the call it came with lasts.")));
            } else {
                subrequests.reply(call, subrequests.admit(call)
                        ? callbacks.get().call((owner != null ? owner : receiver).depth() + 1, integer(args[2]),
                                string(args[3]), bytesOf(args[4])).thenApply(data -> data)
                        : Subrequests.refused(owner));
            }
            return null;
        });
        // The answer of a function or RpcTarget this isolate passed: (id, ok, bytes).
        target.put(HostCall.EXPORT_RETURNED, args -> {
            ExportCall call = exportCalls.remove(integer(args[0]));
            if (call != null) {
                call.owner().callbackEnded(call.depth());
                call.result().complete(new ChannelReply.Data(isTrue(args[1]) ? "ok" : "error", bytesOf(args[2])));
            }
            return null;
        });
    }

    /**
     * The caller of a channel call that may be an RPC call: the way back into this isolate goes
     * with it, to what that one call passed.
     */
    Caller caller(Invocation owner, int call) {
        return owner == null ? Caller.OUTSIDE : Caller.of(owner,
                Optional.of((depth, position, method, args) -> callExport(owner, depth, call, position, method, args)));
    }

    /**
     * Calls a function or RpcTarget this isolate passed to an RPC target, in a turn of the
     * invocation that passed it (charged to it), while that invocation lasts.
     */
    private CompletableFuture<ChannelReply.Data> callExport(Invocation owner, int depth, int call, int position,
            String method, byte[] args) {
        CompletableFuture<ChannelReply.Data> result = new CompletableFuture<>();
        isolate.post(() -> {
            if (isolate.closed() || owner.finished) {
                result.completeExceptionally(new InvocationException(Outcome.EXCEPTION, "Error", STUB_ENDED));
                return;
            }
            int id = ++nextExportCall;
            exportCalls.put(id, new ExportCall(result, owner, depth));
            owner.callbackStarted(depth);
            isolate.turn(owner, () -> {
                if (!isolate.admitsBytes(owner, args.length, "an RPC call's arguments (" + args.length + " bytes)")) {
                    return;
                }
                V8Runtime runtime = isolate.runtime();
                try (V8ValueArrayBuffer bytes = bytes(runtime, args)) {
                    isolate.entry().invokeVoid("callExport",
                            runtime.createV8ValueDouble(Invocation.turnEpochMillis(owner)),
                            runtime.createV8ValueInteger(id),
                            runtime.createV8ValueInteger(call), runtime.createV8ValueInteger(position),
                            runtime.createV8ValueString(method), bytes);
                }
            });
        });
        return result;
    }

    /** The invocation ended: calls back into what it passed fail from now on. */
    void invocationEnded(Invocation inv) {
        exportCalls.values().removeIf(call -> {
            if (call.owner() == inv) {
                call.result().completeExceptionally(new InvocationException(Outcome.EXCEPTION, "Error", STUB_ENDED));
                return true;
            }
            return false;
        });
    }
}
