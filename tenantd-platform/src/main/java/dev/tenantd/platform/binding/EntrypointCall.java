package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.Entrypoint;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.RpcCall;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the bindings that reach other workers share for JS RPC: the {@code rpc} operation's
 * arguments as rpc.js sends them ({@code {"target": ..., "method": ...}}, the arguments'
 * bytes with the call), and a service binding's {@code entrypoint} and {@code props}.
 *
 * @param target the stub's own arguments (a dispatch stub's {@code get()} options as JSON), or empty
 * @param method the method called
 */
record EntrypointCall(String target, String method) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,254}");
    private static final int METHOD_MAX = 1024;

    static final String OPERATION = "rpc";

    /** The target and method of an {@code rpc} call; a malformed one fails as a TypeError for the caller. */
    static EntrypointCall of(ChannelCall call) {
        try {
            JsonNode args = JSON.readTree(call.args());
            if (args != null && args.path("target").isTextual() && args.path("method").isTextual()) {
                String method = args.get("method").asText();
                if (!method.isEmpty() && method.length() <= METHOD_MAX) {
                    return new EntrypointCall(args.get("target").asText(), method);
                }
            }
        } catch (IOException e) {
            // reported below like any other malformed call
        }
        throw new InvocationException(Outcome.EXCEPTION, "TypeError",
                "An RPC call needs the name of a method (1 to " + METHOD_MAX + " characters).");
    }

    /** The call for the target worker: the method, and the arguments' bytes the channel call carries. */
    RpcCall call(ChannelCall channelCall) {
        return new RpcCall(method, channelCall.bytes());
    }

    /** A service binding's optional {@code entrypoint}: a named export of the target's main module. */
    static void checkEntrypoint(String binding, ObjectNode fields) {
        JsonNode entrypoint = fields.get("entrypoint");
        if (entrypoint != null && !entrypoint.isNull()
                && !(entrypoint.isTextual() && IDENTIFIER.matcher(entrypoint.asText()).matches())) {
            throw new PlatformException(Problem.INVALID_BINDING, "Binding '" + binding + "': entrypoint must be the "
                    + "name of an export of the target worker's main module (a JavaScript identifier).");
        }
    }

    /** A service binding's optional {@code props}: a JSON object its target sees as {@code ctx.props}. */
    static void checkProps(String binding, ObjectNode fields) {
        JsonNode props = fields.get("props");
        if (props != null && !props.isNull() && !props.isObject()) {
            throw new PlatformException(Problem.INVALID_BINDING, "Binding '" + binding + "': props must be a JSON object.");
        }
    }

    /** The entrypoint a service binding's calls enter ({@code "default"} is the default export) and its props. */
    static Entrypoint entrypoint(ObjectNode fields) {
        JsonNode entrypoint = fields.get("entrypoint");
        JsonNode props = fields.get("props");
        return new Entrypoint(entrypoint != null && entrypoint.isTextual() && !entrypoint.asText().equals("default")
                ? Optional.of(entrypoint.asText()) : Optional.empty(), props != null && props.isObject() ? props.toString() : "{}");
    }
}
