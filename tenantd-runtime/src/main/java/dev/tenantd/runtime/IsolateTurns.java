package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueObject;

/**
 * What the groups of host functions of one isolate ({@link Subrequests}, {@link WorkerTimers},
 * {@link RpcExports}, {@link WebSocketTurns}, {@link WorkerLog}) need of the {@link Worker} that
 * drives it: the isolate, the running invocation, and turns charged to an invocation. Everything
 * here is called inside the isolate's turns, but {@link #post}.
 */
interface IsolateTurns {

    /** A call into the isolate's JavaScript. */
    @FunctionalInterface
    interface JsCall {
        void run() throws JavetException;
    }

    V8Runtime runtime();

    /** The entry points of the runtime JavaScript (worker.js). */
    V8ValueObject entry();

    /**
     * The invocation the code making the host call being answered belongs to (its continuation
     * frame's, while that invocation is open), else the invocation the running turn is charged
     * to; null in top-level code and turns of no invocation.
     */
    Invocation current();

    /** The invocation the running turn is charged to; null in top-level code and turns of no invocation. */
    default Invocation turnOwner() {
        return current();
    }

    /** An invocation in flight, by id; null once it has ended. */
    Invocation invocation(int id);

    /** Runs a call into JavaScript as a turn charged to {@code owner} (null: to nobody). */
    void turn(Invocation owner, JsCall call);

    /** Posts work to the isolate's mailbox. */
    void post(Runnable work);

    /**
     * Whether {@code bytes} more fit in the isolate's memory limit (after collecting garbage);
     * when they do not, {@code owner} ends as having exceeded it, with a message naming
     * {@code what}, and false is returned.
     */
    boolean admitsBytes(Invocation owner, long bytes, String what);

    /** Registers a new invocation with these options; its wall time is the caller's to keep. */
    Invocation open(InvocationOptions options);

    /** Stops the running turn if it belongs to {@code owner} (from any thread). */
    void expire(Invocation owner, Outcome why);

    /** Ends an invocation early with an outcome. */
    void end(Invocation inv, Outcome outcome, String message);

    /** The invocation is over: its response is out and its waitUntil work settled. */
    void finish(Invocation inv);

    /** Whether the isolate was discarded. */
    boolean closed();
}
