package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * A JS RPC call into a worker: a method of one of its entrypoints, with arguments as the
 * caller's runtime wrote them (rpc.js) and the props the caller's binding gives.
 *
 * @param entrypoint a named export of the main module, or empty for the default export
 * @param method     the method's name
 * @param args       the arguments, as bytes rpc.js reads; checked there, as coming from another tenant
 * @param propsJson  {@code ctx.props} as a JSON object
 */
public record RpcCall(Optional<String> entrypoint, String method, byte[] args, String propsJson) {
    public RpcCall {
        Objects.requireNonNull(entrypoint, "entrypoint");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(propsJson, "propsJson");
    }
}
