package dev.tenantd.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * The functions and {@code RpcTarget}s an RPC caller passed as arguments, as the target reaches
 * them: each call runs in the caller's isolate, charged to the invocation that made the RPC
 * call, and only while that invocation lasts.
 */
@FunctionalInterface
public interface RpcCallbacks {

    /**
     * Calls one of them, by its position among what the call passed: {@code method} names a method of an {@code RpcTarget}, or is empty for a
     * function. {@code depth} is the depth of the invocation calling back: what the function
     * calls while it runs goes out one level below that. Answers {@code ok} or {@code error} with bytes as rpc.js writes values; fails with
     * an {@link InvocationException} when the caller's invocation is over.
     */
    CompletableFuture<ChannelReply.Data> call(int depth, int position, String method, byte[] args);
}
