package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8Context;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * V8's continuation-preserved embedder data, made reachable from the runtime's JavaScript.
 *
 * <p>The engine keeps one value per isolate that it saves with every promise reaction, every
 * {@code await} and every thenable job when that continuation is made, and makes current again
 * while the continuation runs (restoring the previous value after it). A value set before an
 * {@code await} is therefore current after it, whoever settled the promise; that is what
 * {@code AsyncLocalStorage} needs. The getter and setter are functions of V8's extras binding
 * object, which the engine keeps in a slot of each native context and never gives to scripts.
 * The engine binding reads context slots but does not name them, so the slot is found once per
 * process by looking for the object that has both functions, and then read directly in every
 * isolate, and checked there.
 *
 * <p>The object goes to the runtime's bootstrap through its host object (never a global), which
 * takes the two functions and drops it. Where it cannot be found, the runtime keeps the value in
 * a variable instead, which follows synchronous code only.
 */
final class ContinuationData {
    private static final Logger LOG = LoggerFactory.getLogger(ContinuationData.class);
    static final String GET = "getContinuationPreservedEmbedderData";
    static final String SET = "setContinuationPreservedEmbedderData";
    /** The host object's property the bootstrap reads the extras binding object from. */
    static final String HOST_PROPERTY = "continuation";

    private static final int UNKNOWN = -1;
    private static final int ABSENT = -2;
    /** The native context's slot of the extras binding object, {@link #UNKNOWN} or {@link #ABSENT}. */
    private static volatile int slot = UNKNOWN;

    private ContinuationData() {
    }

    /** Puts the isolate's extras binding object on {@code host}, if the engine has one with both functions. */
    static boolean offer(V8Runtime runtime, V8ValueObject host) throws JavetException {
        try (V8ValueObject extras = extrasBindingObject(runtime)) {
            if (extras == null) {
                return false;
            }
            host.set(HOST_PROPERTY, extras);
            return true;
        }
    }

    /** The extras binding object of the isolate's native context, or null. Before any worker code runs. */
    static V8ValueObject extrasBindingObject(V8Runtime runtime) throws JavetException {
        int known = slot;
        if (known == ABSENT) {
            return null;
        }
        // A built-in function's context is the native context.
        try (V8Value object = runtime.getGlobalObject().get("Object")) {
            if (!(object instanceof V8ValueFunction builtin)) {
                return null;
            }
            try (V8Context context = builtin.getContext()) {
                if (context == null) {
                    return null;
                }
                if (known >= 0) {
                    V8ValueObject found = candidate(context, known);
                    if (found != null) {
                        return found;
                    }
                    // Not where it was in the first isolate: look again rather than guess.
                }
                int length = context.getLength();
                for (int i = 0; i < length; i++) {
                    V8ValueObject found = candidate(context, i);
                    if (found != null) {
                        slot = i;
                        return found;
                    }
                }
            }
        }
        slot = ABSENT;
        LOG.warn("the engine's continuation-preserved embedder data is not reachable: AsyncLocalStorage will not"
                + " follow await and promise reactions");
        return null;
    }

    /** The object in slot {@code index} if it has both functions, else null (and the slot's value closed). */
    private static V8ValueObject candidate(V8Context context, int index) throws JavetException {
        V8Value value = context.get(index); // undefined past the end
        try {
            if (value instanceof V8ValueObject object && !(value instanceof V8ValueFunction)
                    && object.has(GET) && isFunction(object, GET) && isFunction(object, SET)) {
                return object;
            }
        } catch (JavetException | RuntimeException e) {
            value.close();
            throw e;
        }
        value.close();
        return null;
    }

    private static boolean isFunction(V8ValueObject object, String name) throws JavetException {
        try (V8Value member = object.getProperty(name)) {
            return member instanceof V8ValueFunction;
        }
    }
}
