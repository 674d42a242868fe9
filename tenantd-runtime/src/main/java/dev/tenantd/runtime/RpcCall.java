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
    /**
     * The most a call's arguments, or its result, may take serialized: 32 MiB, as on Workers. The
     * caller's isolate takes several times that to read a result back.
     */
    public static final int MAX_SERIALIZED_BYTES = 32 * 1024 * 1024;

    public RpcCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(args, "args");
    }
}
