package dev.tenantd.runtime;

/** How an invocation ended; every invocation has exactly one. */
public enum Outcome {
    OK("ok"),
    EXCEPTION("exception"),
    EXCEEDED_CPU("exceededCpu"),
    EXCEEDED_MEMORY("exceededMemory"),
    EXCEEDED_WALL_TIME("exceededWallTime"),
    EXCEEDED_SUBREQUESTS("exceededSubrequests"),
    SCRIPT_NOT_FOUND("scriptNotFound"),
    CANCELED("canceled"),
    /** Refused before it started: the script already had as many invocations in flight as it may. */
    LOAD_SHED("loadShed"),
    /** Not started: the platform could not load the worker (its stored code is damaged); the log has details. */
    UNAVAILABLE("unknown");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    /** The name Cloudflare's tail events and analytics use. */
    public String wireName() {
        return wireName;
    }
}
