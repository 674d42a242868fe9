package dev.tenantd.runtime;

import com.caoccao.javet.enums.JavetPromiseRejectEvent;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValuePromise;
import java.util.ArrayList;
import java.util.List;

/**
 * Promises an isolate's code rejected with no handler, from the engine's notice (while a turn
 * runs) to the end of the turn, when its microtasks are done: those still unhandled then are
 * reported to the runtime JavaScript (rejections.js: an {@code unhandledrejection} event, else
 * a log line), as are the reported ones given a handler later ({@code rejectionhandled}). A
 * turn keeps at most {@link #MOST_PER_TURN} of each; past that they are only counted. Touched on
 * the isolate's thread only.
 */
final class UnhandledRejections {
    /** Promises kept per turn, of each kind: each holds a handle until the turn ends. */
    static final int MOST_PER_TURN = 64;
    /** Reports that may reject more promises, reported in the same turn: this many rounds at most. */
    private static final int ROUNDS = 3;

    /** What rejections.js is told: still unhandled, handled after all, or how many more were left out. */
    private static final int UNHANDLED = 0;
    private static final int HANDLED_LATER = 1;
    private static final int LEFT_OUT = 2;

    private record Notice(int kind, V8ValuePromise promise, V8Value reason) {
        void close() {
            com.caoccao.javet.utils.JavetResourceUtils.safeClose(promise, reason);
        }
    }

    private final List<Notice> notices = new ArrayList<>();
    private int unhandled;
    private int handledLater;
    private int leftOut;

    /** The engine's notice, during a turn. */
    void notice(JavetPromiseRejectEvent event, V8ValuePromise promise, V8Value reason) throws JavetException {
        if (event == JavetPromiseRejectEvent.PromiseRejectWithNoHandler) {
            if (unhandled >= MOST_PER_TURN) {
                leftOut++;
                return;
            }
            unhandled++;
            notices.add(new Notice(UNHANDLED, promise.toClone(), reason.toClone()));
        } else if (event == JavetPromiseRejectEvent.PromiseHandlerAddedAfterReject) {
            for (int i = 0; i < notices.size(); i++) {
                Notice notice = notices.get(i);
                if (notice.kind() == UNHANDLED && notice.promise().strictEquals(promise)) {
                    // Handled within the turn: nothing to report.
                    notices.remove(i).close();
                    unhandled--;
                    return;
                }
            }
            if (handledLater < MOST_PER_TURN) {
                handledLater++;
                notices.add(new Notice(HANDLED_LATER, promise.toClone(), null));
            }
        }
    }

    /** At the end of a turn: reports what is left, through the runtime's {@code promiseRejection} entry. */
    void report(V8Runtime runtime, V8ValueObject entry) throws JavetException {
        for (int round = 0; round < ROUNDS && (!notices.isEmpty() || leftOut > 0); round++) {
            List<Notice> now = new ArrayList<>(notices);
            int more = leftOut;
            notices.clear();
            unhandled = 0;
            handledLater = 0;
            leftOut = 0;
            try {
                for (Notice notice : now) {
                    entry.invokeVoid("promiseRejection", runtime.createV8ValueInteger(notice.kind()), notice.promise(),
                            notice.reason() == null ? runtime.createV8ValueUndefined() : notice.reason());
                }
                if (more > 0) {
                    entry.invokeVoid("promiseRejection", runtime.createV8ValueInteger(LEFT_OUT),
                            runtime.createV8ValueUndefined(), runtime.createV8ValueInteger(more));
                }
            } finally {
                now.forEach(Notice::close);
            }
        }
        discard();
    }

    boolean any() {
        return !notices.isEmpty() || leftOut > 0;
    }

    /** Forgets what was noticed (a turn that was cut off, an isolate that closes). */
    void discard() {
        notices.forEach(Notice::close);
        notices.clear();
        unhandled = 0;
        handledLater = 0;
        leftOut = 0;
    }
}
