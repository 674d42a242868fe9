package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One type of binding ({@code metadata.bindings[].type}): how an upload's binding is
 * checked and stored, what the worker sees, and how calls on it are served. A kind is
 * registered once in the {@link BindingKinds}; nothing else in the platform or the
 * runtime knows its type.
 *
 * <p>A kind is either a value (the worker sees a string or JSON value) or a channel:
 * the worker sees the object its JS wrapper ({@link #script()}) makes, and every call
 * on that object arrives here as a {@link ChannelCall}.
 */
public interface BindingKind {

    /** The wire type, as in {@code {"type": "kv_namespace", ...}}. */
    String type();

    /**
     * Checks an uploaded binding and returns the form to store. {@code fields} are the
     * binding's fields besides type and name. Throws a {@link dev.tenantd.platform.PlatformException}
     * of {@link dev.tenantd.platform.Problem#INVALID_BINDING} with a message that says what to fix.
     */
    ObjectNode prepare(String name, ObjectNode fields, BindingScope scope);

    /** What the worker finds under the binding's name; {@code channel} is the number its calls carry. */
    Binding toRuntime(BindingSpec stored, int channel, BindingScope scope);

    /**
     * Serves a call the worker made on the binding. The future may complete on any thread;
     * blocking work belongs on an executor of its own, never on the calling thread (a JS thread).
     * A failure is an {@link InvocationException}, whose error name and message the worker sees.
     */
    default CompletableFuture<ChannelReply> call(BindingSpec stored, ChannelCall call, BindingScope scope) {
        return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "TypeError",
                "The binding '" + stored.name() + "' has no operation '" + call.operation() + "'."));
    }

    /** Answers a call that must be answered at once, from memory (never blocking). */
    default String callNow(BindingSpec stored, ChannelCall call, BindingScope scope) {
        throw new InvocationException(Outcome.EXCEPTION, "TypeError",
                "The binding '" + stored.name() + "' has no operation '" + call.operation() + "'.");
    }

    /**
     * Whether every script has this kind's channel without naming it in its upload: a service of
     * the platform that the worker reaches through globals (its wrapper installs them), not a
     * binding type. Such a kind is never offered to uploads; {@link #toRuntime} gets a stored
     * form with an empty name and no fields, and returns {@link Binding#unnamed}.
     */
    default boolean unnamed() {
        return false;
    }

    /**
     * The JavaScript that defines the worker-side object of a channel kind, as a classpath
     * resource path; evaluated in every isolate after the runtime's own scripts, where it
     * registers its wrapper with {@code bindings_define(kind, make)}.
     */
    default Optional<String> script() {
        return Optional.empty();
    }
}
