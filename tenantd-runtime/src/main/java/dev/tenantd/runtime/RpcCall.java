package dev.tenantd.runtime;

import java.util.Objects;

/**
 * A JS RPC call into a worker: a method of the entrypoint its invocation enters
 * ({@link InvocationOptions#entrypoint()}), with arguments as the caller's runtime wrote them.
 *
 * @param method the method's name
 * @param args   the arguments, as bytes rpc.js reads; checked there, as coming from another tenant
 */
public record RpcCall(String method, byte[] args) {
    public RpcCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(args, "args");
    }
}
