package dev.tenantd.platform;

import dev.tenantd.platform.observability.InvocationRecorder;
import dev.tenantd.platform.observability.InvocationSubject;
import dev.tenantd.platform.observability.ScriptObservability;
import dev.tenantd.platform.observability.TimeOrderedIds;
import dev.tenantd.runtime.Caller;
import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.WorkerRequest;
import java.util.List;

/**
 * Where the invoker's invocations meet the {@link InvocationRecorder}: gives each request from
 * outside its request id, and each sampled invocation an observer that describes it (account,
 * namespace name, script, version, tags, method, host and path without the query string).
 */
final class InvocationRecords {
    /** What a JS RPC call's record shows for a request: no URL, method RPC. */
    static final WorkerRequest RPC_REQUEST = new WorkerRequest("RPC", "", List.of(), null);
    private final InvocationRecorder recorder;
    private final Directory directory;

    InvocationRecords(InvocationRecorder recorder, Directory directory) {
        this.recorder = recorder;
        this.directory = directory;
    }

    /**
     * The caller with a request id: a caller from outside starts a new client request (20 hex
     * digits that sort by time); a worker's call keeps the id of the request it serves.
     */
    static Caller withRequestId(Caller caller) {
        if (!caller.requestId().isEmpty()) {
            return caller;
        }
        return caller.withRequestId(TimeOrderedIds.requestId(System.currentTimeMillis()));
    }

    /** The observer that records an invocation of {@code script} starting now, or NONE when it is not sampled. */
    InvocationObserver observe(Script script, WorkerRequest request, Caller caller) {
        if (!recorder.samples(ScriptObservability.ofSettings(script.settingsJson()))) {
            return InvocationObserver.NONE;
        }
        return recorder.collect(subject(script.ref(), script.current().id(), script.tags(), request.method(),
                request.url(), caller));
    }

    /** Records a call of a script that does not exist (outcome scriptNotFound), if sampled. */
    void notFound(ScriptRef ref, WorkerRequest request, Caller caller) {
        // A name no script can have (any host name a client sends turns into one) names nothing
        // to look for: recording it would let anyone fill the log store with made-up names.
        if (Names.isScript(ref.name()) && recorder.samples(ScriptObservability.DEFAULT)) {
            recorder.collect(subject(ref, "", List.of(), request.method(), request.url(), caller))
                    .ended(new InvocationRecord(ref.name(), Outcome.SCRIPT_NOT_FOUND, 0, 0, 0, 0));
        }
    }

    private InvocationSubject subject(ScriptRef ref, String versionId, List<String> tags, String method, String url,
            Caller caller) {
        String namespace = ref.namespace().flatMap(directory::namespaceById).map(Namespace::name).orElse("");
        return new InvocationSubject(caller.requestId(), ref.accountId(), namespace, ref.name(), versionId, tags, method,
                clip(host(url), MAX_HOST_CHARS), clip(path(url), MAX_PATH_CHARS));
    }

    /** The longest host a record keeps (a DNS name has at most 253 characters, a port 6 more). */
    static final int MAX_HOST_CHARS = 260;
    /** The longest path a record keeps; a client may send paths of several kilobytes. */
    static final int MAX_PATH_CHARS = 1_024;

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** The URL's host (with port), without user information. */
    static String host(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return "";
        }
        start += 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : authority.substring(at + 1);
    }

    /** The URL's path, without the query string or fragment. */
    static String path(String url) {
        int start = url.indexOf("://");
        int from = start < 0 ? 0 : url.indexOf('/', start + 3);
        if (from < 0) {
            return "/";
        }
        int end = from;
        while (end < url.length() && url.charAt(end) != '?' && url.charAt(end) != '#') {
            end++;
        }
        return url.substring(from, end);
    }
}
