package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Which invocation the code of an isolate belongs to, shared by the host and the runtime's
 * JavaScript without a call across: two 32-bit cells of an ArrayBuffer of the isolate
 * (continuation.js).
 *
 * <ul>
 *   <li>Cell 0, written here at the start and end of each turn: the turn's owner. Every entry
 *       point runs its code in that invocation's frame, which the engine then carries to every
 *       promise reaction and await made there.
 *   <li>Cell 1, written by the runtime before each host call: the invocation of the frame of the
 *       code making it. Code that awaited a promise another request's I/O settled runs in that
 *       request's turn, in its own frame.
 * </ul>
 * Only the isolate's own thread touches the cells (turns and host calls run there). The cells are
 * the engine's memory, gone with the isolate: once closed, they are neither read nor written.
 */
final class CodeOwners {
    /** The host object's property the bootstrap reads the cells from. */
    static final String HOST_PROPERTY = "owners";
    private static final int TURN = 0;
    private static final int CALLER = 4;

    /** Kept open: the buffer lives as long as the isolate. */
    private final V8ValueArrayBuffer buffer;
    private final ByteBuffer cells;
    private boolean closed;
    /** Cell 1 as the host call being answered found it; 0 outside host calls. */
    private int caller;

    private CodeOwners(V8ValueArrayBuffer buffer) {
        this.buffer = buffer;
        this.cells = buffer.getByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** Makes the cells in {@code runtime} and puts them on {@code host} for the bootstrap. */
    static CodeOwners offer(V8Runtime runtime, V8ValueObject host) throws JavetException {
        V8ValueArrayBuffer buffer = runtime.createV8ValueArrayBuffer(8);
        try {
            host.set(HOST_PROPERTY, buffer);
            return new CodeOwners(buffer);
        } catch (JavetException | RuntimeException e) {
            new CodeOwners(buffer).close();
            throw e;
        }
    }

    void turnBegins(int ownerId) {
        caller = 0;
        if (!closed) {
            cells.putInt(TURN, ownerId);
            cells.putInt(CALLER, 0);
        }
    }

    void turnEnds() {
        turnBegins(0);
    }

    /**
     * A host call is being answered: its caller is taken from cell 1 (which the runtime wrote just
     * before). Returns the caller of an enclosing host call, for {@link #hostCallEnds}.
     */
    int hostCallBegins() {
        int outer = caller;
        caller = closed ? 0 : cells.getInt(CALLER);
        return outer;
    }

    void hostCallEnds(int outer) {
        caller = outer;
    }

    /** The invocation of the code making the host call being answered; 0 for none, and outside host calls. */
    int caller() {
        return caller;
    }

    void close() {
        closed = true;
        try {
            buffer.close();
        } catch (JavetException ignored) {
            // the isolate goes either way
        }
    }
}
