package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import com.caoccao.javet.values.primitive.V8ValueDouble;
import com.caoccao.javet.values.primitive.V8ValueInteger;
import com.caoccao.javet.values.primitive.V8ValueLong;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * How values cross between host functions and the runtime JavaScript. Host functions read
 * only primitives and ArrayBuffers: a property read could run a getter a worker defined.
 */
final class JsValues {
    static final byte[] EMPTY = new byte[0];

    private JsValues() {
    }

    /**
     * Bytes for the isolate, as an ArrayBuffer the runtime JavaScript views as a Uint8Array
     * (made natively: looking up the global {@code Uint8Array} would use whatever a worker
     * put there).
     */
    static V8ValueArrayBuffer bytes(V8Runtime runtime, byte[] data) throws JavetException {
        V8ValueArrayBuffer buffer = runtime.createV8ValueArrayBuffer(data.length);
        if (data.length > 0) {
            buffer.fromBytes(data);
        }
        return buffer;
    }

    /**
     * A body for the isolate: {@code null} when there are no bytes, else {@link #bytes}. Most
     * requests and many responses have no body, and an ArrayBuffer made from the host is
     * one of the dearer values to make (a native backing store and a handle Javet tracks).
     */
    static V8Value body(V8Runtime runtime, byte[] data) throws JavetException {
        return data.length == 0 ? runtime.createV8ValueNull() : bytes(runtime, data);
    }

    /**
     * Bytes the runtime JavaScript hands out: always an ArrayBuffer holding exactly them,
     * copied from its memory (a view's length and offset would be read through properties
     * a worker can redefine).
     */
    static byte[] bytesOf(V8Value value) {
        return value instanceof V8ValueArrayBuffer buffer ? buffer.toBytes() : EMPTY;
    }

    /** The size of bytes the runtime JavaScript hands out, read from its memory, not a property. */
    static long byteLength(V8Value body) {
        return body instanceof V8ValueArrayBuffer buffer ? buffer.getByteBuffer().capacity() : 0;
    }

    static String string(V8Value value) {
        return value instanceof V8ValueString s ? s.getValue() : String.valueOf(value);
    }

    static int integer(V8Value value) {
        return (int) number(value);
    }

    static double number(V8Value value) {
        if (value instanceof V8ValueInteger i) {
            return i.getValue();
        }
        if (value instanceof V8ValueDouble d) {
            return d.getValue();
        }
        if (value instanceof V8ValueLong l) {
            return l.getValue();
        }
        if (value instanceof V8ValueBoolean b) {
            return b.getValue() ? 1 : 0;
        }
        return 0;
    }

    static boolean isTrue(V8Value value) {
        return value instanceof V8ValueBoolean b && b.getValue();
    }

    /** Headers cross the boundary as one string: name NUL value NUL ... (neither may contain NUL). */
    static String joinHeaders(List<String> headers) {
        return String.join("\0", headers);
    }

    static List<String> splitHeaders(String joined) {
        if (joined.isEmpty()) {
            return List.of();
        }
        int parts = 1;
        for (int at = joined.indexOf('\0'); at >= 0; at = joined.indexOf('\0', at + 1)) {
            parts++;
        }
        // One array of the right size (split() grows a list and copies it): headers cross per request.
        String[] out = new String[parts];
        int from = 0;
        for (int i = 0; i < parts - 1; i++) {
            int at = joined.indexOf('\0', from);
            out[i] = joined.substring(from, at);
            from = at + 1;
        }
        out[parts - 1] = joined.substring(from);
        return Arrays.asList(out);
    }
}
