package dev.tenantd.runtime;

import com.caoccao.javet.enums.JavetPromiseRejectEvent;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.utils.JavetResourceUtils;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueObject;
import com.caoccao.javet.values.reference.V8ValuePromise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Promises an isolate's code rejected with no handler, from the engine's notice (while a turn
 * runs) to the end of the turn, when its microtasks are done: those still unhandled then are
 * reported to the runtime JavaScript (rejections.js: an {@code unhandledrejection} event, else
 * a log line), as are the reported ones given a handler later ({@code rejectionhandled}). A
 * turn keeps at most {@link #MOST_PER_TURN} of each; past that they are only counted (and a
 * handler given to one within the turn takes it off the count). Touched on the isolate's
 * thread only.
 */
final class UnhandledRejections {
    /** Promises kept per turn, of each kind: each holds a handle until the turn ends. */
    static final int MOST_PER_TURN = 64;
    /** Promises past {@link #MOST_PER_TURN} remembered by identity hash, so that one handled later is not counted. */
    static final int MOST_LEFT_OUT_REMEMBERED = 4_096;
    /** Reports that may reject more promises, reported in the same turn: this many rounds at most. */
    private static final int ROUNDS = 3;

    /**
     * What rejections.js is told: a promise still unhandled, one handled after it was reported
     * so, how many more were left out, and that a reported one still has no handler after its
     * event (a handler given to it later is then reported too).
     */
    private static final int UNHANDLED = 0;
    private static final int HANDLED_LATER = 1;
    private static final int LEFT_OUT = 2;
    private static final int STILL_UNHANDLED = 3;

    private record Notice(int kind, V8ValuePromise promise, V8Value reason) {
        void close() {
            JavetResourceUtils.safeClose(promise, reason);
        }
    }

    private final List<Notice> notices = new ArrayList<>();
    private int unhandled;
    private int handledLater;
    private int leftOut;
    /** Identity hashes of the left-out promises (one hash may stand for several), with how many. */
    private final Map<Integer, Integer> leftOutHashes = new HashMap<>();

    /** The engine's notice, during a turn. */
    void notice(JavetPromiseRejectEvent event, V8ValuePromise promise, V8Value reason) throws JavetException {
        if (event == JavetPromiseRejectEvent.PromiseRejectWithNoHandler) {
            if (unhandled >= MOST_PER_TURN) {
                leftOut++;
                if (leftOutHashes.size() < MOST_LEFT_OUT_REMEMBERED) {
                    leftOutHashes.merge(promise.getIdentityHash(), 1, Integer::sum);
                }
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
            if (leftOut > 0 && leftOutHashes.containsKey(promise.getIdentityHash())) {
                // One of those only counted, handled within the turn after all.
                leftOutHashes.computeIfPresent(promise.getIdentityHash(), (hash, n) -> n > 1 ? n - 1 : null);
                leftOut--;
                return;
            }
            if (handledLater < MOST_PER_TURN) {
                handledLater++;
                notices.add(new Notice(HANDLED_LATER, promise.toClone(), null));
            }
        }
    }

    /** At the end of a turn: reports what is left, through the runtime's {@code promiseRejection} entry. */
    void report(V8Runtime runtime, V8ValueObject entry) throws JavetException {
        for (int round = 0; round < ROUNDS && any(); round++) {
            List<Notice> now = new ArrayList<>(notices);
            int more = leftOut;
            boolean hashesFull = leftOutHashes.size() >= MOST_LEFT_OUT_REMEMBERED;
            forget();
            try {
                for (Notice notice : now) {
                    entry.invokeVoid("promiseRejection", runtime.createV8ValueInteger(notice.kind()), notice.promise(),
                            notice.reason() == null ? runtime.createV8ValueUndefined() : notice.reason());
                    // A listener may have handled it; only one still unhandled is reported again when it is.
                    if (notice.kind() == UNHANDLED && !notice.promise().hasHandler()) {
                        entry.invokeVoid("promiseRejection", runtime.createV8ValueInteger(STILL_UNHANDLED),
                                notice.promise(), runtime.createV8ValueUndefined());
                    }
                }
                if (more > 0) {
                    // Past the hashes remembered, some counted may have been handled within the turn.
                    entry.invokeVoid("promiseRejection", runtime.createV8ValueInteger(LEFT_OUT),
                            runtime.createV8ValueBoolean(hashesFull), runtime.createV8ValueInteger(more));
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
        forget();
    }

    private void forget() {
        notices.clear();
        unhandled = 0;
        handledLater = 0;
        leftOut = 0;
        leftOutHashes.clear();
    }
}
