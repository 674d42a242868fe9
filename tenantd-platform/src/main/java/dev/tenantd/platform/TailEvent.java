package dev.tenantd.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.WorkerRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One invocation of a tailed worker, collected while it runs and published to its
 * tails as Cloudflare's trace event once it has ended: to the live tails' clients, and
 * to its Tail Workers through {@link Delivery}. Its calls come from the isolate's
 * thread, one at a time.
 */
final class TailEvent implements InvocationObserver {
    /** Where a finished event goes besides the live tails: the script's Tail Workers. */
    @FunctionalInterface
    interface Delivery {
        Delivery NONE = (event, record) -> { };

        /** Called once, on the isolate's thread, when the invocation has ended; must return at once. */
        void deliver(TailEvent event, InvocationRecord record);
    }

    /** Header values a tail shows as REDACTED: credentials of the worker's clients. */
    private static final Set<String> REDACTED = Set.of("authorization", "cookie", "proxy-authorization");

    private final Tails tails;
    private final List<Tails.Session> sessions;
    private final ScriptRef script;
    private final String versionId;
    private final WorkerRequest request;
    private final long eventTimestamp = System.currentTimeMillis();
    private final ArrayNode logs = Platform.JSON.createArrayNode();
    private final ArrayNode exceptions = Platform.JSON.createArrayNode();
    /** The logs and exceptions as text, once a filter searched them; the event is complete by then. */
    private String searchable;
    /** How much the logs and exceptions take, roughly: the characters of their messages. */
    private long loggedChars;
    private int status;
    private String outcome = "unknown";
    /** For an event of an open WebSocket: its type (message, close); the request is the placeholder then. */
    private Optional<String> webSocketEventType = Optional.empty();
    private final Delivery delivery;

    TailEvent(Tails tails, List<Tails.Session> sessions, ScriptRef script, String versionId, WorkerRequest request) {
        this(tails, sessions, script, versionId, request, Delivery.NONE);
    }

    TailEvent(Tails tails, List<Tails.Session> sessions, ScriptRef script, String versionId, WorkerRequest request,
            Delivery delivery) {
        this.tails = tails;
        this.sessions = sessions;
        this.script = script;
        this.versionId = versionId;
        this.request = request;
        this.delivery = delivery;
    }

    /** An event of an open WebSocket, shown as Cloudflare shows them: {@code getWebSocketEvent}. */
    static TailEvent webSocket(Tails tails, List<Tails.Session> sessions, ScriptRef script, String versionId, String type) {
        TailEvent event = new TailEvent(tails, sessions, script, versionId, new WorkerRequest("", "", List.of(), null));
        event.webSocketEventType = Optional.of(type);
        return event;
    }

    /**
     * Keeps a console line's values as the JSON text they came as: a parsed tree of many small
     * values takes tens of times its text's size, and waiting events are counted by their text.
     */
    @Override
    public void log(String level, String messageJson, long timestampMillis) {
        loggedChars += messageJson.length();
        ObjectNode line = logs.addObject();
        if (isOneJsonValue(messageJson)) {
            line.putRawValue("message", new RawValue(messageJson));
        } else {
            line.set("message", Platform.JSON.createArrayNode().add(messageJson));
        }
        line.put("level", level).put("timestamp", timestampMillis);
    }

    /** Whether {@code text} is exactly one JSON value, read without building it. */
    static boolean isOneJsonValue(String text) {
        try (JsonParser parser = Platform.JSON.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void exception(String name, String message, long timestampMillis) {
        exceptions.addObject().put("name", name).put("message", message).put("timestamp", timestampMillis);
        loggedChars += name.length() + message.length();
    }

    @Override
    public void responded(int status) {
        this.status = status;
    }

    @Override
    public void ended(InvocationRecord record) {
        outcome = record.outcome().wireName();
        if (!sessions.isEmpty()) {
            tails.publish(this, sessions, record);
        }
        delivery.deliver(this, record);
    }

    // ---- what filters look at

    String outcome() {
        return outcome;
    }

    String method() {
        return request.method();
    }

    Optional<String> header(String lowerCaseName) {
        return request.header(lowerCaseName);
    }

    Optional<String> clientIp() {
        return request.header("cf-connecting-ip");
    }

    /** Roughly what the event takes in memory while it waits, in characters. */
    long approximateChars() {
        return loggedChars + request.url().length() + 1024;
    }

    /** Whether a log line, an exception or the URL contains {@code text}. */
    boolean mentions(String text) {
        if (searchable == null) {
            // written once per event, however many tails and filters look into it
            searchable = logs.toString() + '\n' + exceptions.toString();
        }
        return request.url().contains(text) || searchable.contains(text);
    }

    /** The trace event as wrangler reads it. */
    String toJson(InvocationRecord record) {
        return traceItem(record).toString();
    }

    /**
     * The trace item a Tail Worker's handler gets: the live tail's event with what a
     * {@code TraceItem} adds, the script's tags and, for a user worker, its dispatch namespace.
     */
    ObjectNode traceItem(InvocationRecord record, Optional<String> dispatchNamespace, List<String> scriptTags) {
        ObjectNode item = traceItem(record);
        dispatchNamespace.ifPresent(name -> item.put("dispatchNamespace", name));
        ArrayNode tags = item.putArray("scriptTags");
        scriptTags.forEach(tags::add);
        return item;
    }

    private ObjectNode traceItem(InvocationRecord record) {
        ObjectNode event = Platform.JSON.createObjectNode();
        event.put("outcome", outcome).put("scriptName", script.name());
        event.putObject("scriptVersion").put("id", versionId);
        event.put("eventTimestamp", eventTimestamp)
                .put("wallTime", record.wallNanos() / 1_000_000).put("cpuTime", record.cpuNanos() / 1_000_000)
                .put("executionModel", "stateless").put("truncated", false);
        event.set("logs", logs);
        event.set("exceptions", exceptions);
        event.putArray("diagnosticsChannelEvents");
        ObjectNode e = event.putObject("event");
        if (webSocketEventType.isPresent()) {
            e.putObject("getWebSocketEvent").put("webSocketEventType", webSocketEventType.get());
            return event;
        }
        ObjectNode req = e.putObject("request");
        req.put("url", request.url()).put("method", request.method());
        ObjectNode headers = req.putObject("headers");
        List<String> h = request.headers();
        for (int i = 0; i + 1 < h.size(); i += 2) {
            String name = h.get(i);
            String value = REDACTED.contains(name) ? "REDACTED" : h.get(i + 1);
            JsonNode previous = headers.get(name);
            headers.put(name, previous == null ? value : previous.asText() + ", " + value);
        }
        req.putObject("cf");
        if (status != 0) {
            e.putObject("response").put("status", status);
        }
        return event;
    }
}
