package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.runtime.InvocationObserver;
import dev.tenantd.runtime.InvocationRecord;
import dev.tenantd.runtime.WorkerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live tails of plain workers ({@code wrangler tail}). Tails live in memory only and
 * end with the server, when deleted, when they expire, or when their client goes
 * away. A tail starts collecting once a client is connected to it;
 * until then, and for scripts nobody tails, an invocation costs one lookup in an
 * empty map.
 */
public final class Tails {
    private static final Logger LOG = LoggerFactory.getLogger(Tails.class);
    /** How long a tail lives, as on Cloudflare. */
    public static final Duration LIFETIME = Duration.ofHours(6);
    /** Unexpired tails one worker may have at once. */
    public static final int MAX_PER_SCRIPT = 10;
    /** Unexpired tails one account may have at once, over all its workers. */
    public static final int MAX_PER_ACCOUNT = 100;
    /** The most a tail's filters may take, as JSON text: wrangler's are a few hundred characters. */
    public static final int MAX_FILTER_CHARS = 16 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A tail and the client connected to it, if any. */
    static final class Session {
        final Tail tail;
        final TailFilter filter;
        volatile TailSink sink;
        final AtomicLong dropped = new AtomicLong();

        Session(Tail tail, TailFilter filter) {
            this.tail = tail;
            this.filter = filter;
        }
    }

    private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();
    /** Scripts with at least one connected client; replaced whole on every change, read without locks. */
    private volatile Map<ScriptRef, List<Session>> watched = Map.of();

    /**
     * Creates a tail of {@code script} that lives for {@link #LIFETIME}; {@code filters} as wrangler
     * sends them, at most {@link #MAX_FILTER_CHARS} of JSON. Refused ({@link Problem#CONFLICT}) when
     * the worker has {@link #MAX_PER_SCRIPT} unexpired tails or its account {@link #MAX_PER_ACCOUNT}:
     * tails live in memory until they expire, whether or not a client ever connects.
     */
    public Tail create(ScriptRef script, JsonNode filters, Instant now) {
        Objects.requireNonNull(script);
        if (filters != null && filters.toString().length() > MAX_FILTER_CHARS) {
            throw new PlatformException(Problem.INVALID_REQUEST, "Invalid tail filter: the filters take more than "
                    + MAX_FILTER_CHARS + " characters of JSON.");
        }
        TailFilter filter = TailFilter.parse(filters);
        byte[] id = new byte[16];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        Tail tail = new Tail(HexFormat.of().formatHex(id), Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                script, now.plus(LIFETIME).truncatedTo(ChronoUnit.SECONDS));
        synchronized (this) {
            int ofScript = 0;
            int ofAccount = 0;
            for (Session s : byId.values()) {
                if (s.tail.expiresAt().isAfter(now) && s.tail.script().accountId().equals(script.accountId())) {
                    ofAccount++;
                    if (s.tail.script().equals(script)) {
                        ofScript++;
                    }
                }
            }
            if (ofScript >= MAX_PER_SCRIPT) {
                throw new PlatformException(Problem.CONFLICT, "Worker '" + script.name() + "' has " + MAX_PER_SCRIPT
                        + " tails already, the most it may have at once; delete one (DELETE .../tails/{id}) or let "
                        + "one end.");
            }
            if (ofAccount >= MAX_PER_ACCOUNT) {
                throw new PlatformException(Problem.CONFLICT, "The account has " + MAX_PER_ACCOUNT + " tails already, "
                        + "the most it may have at once; delete one (DELETE .../tails/{id}) or let one end.");
            }
            byId.put(tail.id(), new Session(tail, filter));
        }
        return tail;
    }

    /** The unexpired tails of a script. */
    public List<Tail> list(ScriptRef script, Instant now) {
        return byId.values().stream().map(s -> s.tail)
                .filter(t -> t.script().equals(script) && t.expiresAt().isAfter(now))
                .toList();
    }

    /** Ends a tail of {@code script} and closes its client; false if there is no such tail. */
    public boolean delete(ScriptRef script, String id) {
        Session session = byId.get(id);
        if (session == null || !session.tail.script().equals(script) || !byId.remove(id, session)) {
            return false;
        }
        end(session);
        return true;
    }

    /** Ends every tail of a script, as when the script is deleted. */
    public void deleteAll(ScriptRef script) {
        for (Session s : List.copyOf(byId.values())) {
            if (s.tail.script().equals(script) && byId.remove(s.tail.id(), s)) {
                end(s);
            }
        }
    }

    /** The unexpired tail that {@code id} and {@code secret} name, checked in constant time. */
    public Optional<Tail> find(String id, String secret, Instant now) {
        Session session = byId.get(id);
        if (session == null || !session.tail.expiresAt().isAfter(now)
                || !MessageDigest.isEqual(session.tail.secret().getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(session.tail);
    }

    /**
     * Connects a client to a tail: from now on it receives an event for each invocation
     * of the script that starts. A client already connected to that tail is closed.
     * Returns false, leaving {@code sink} alone, if the tail has ended meanwhile.
     */
    public boolean connect(Tail tail, TailSink sink) {
        TailSink previous;
        synchronized (this) {
            Session session = byId.get(tail.id());
            if (session == null || session.tail != tail) {
                return false;
            }
            previous = session.sink;
            session.sink = sink;
            rebuild();
        }
        if (previous != null) {
            previous.close();
        }
        return true;
    }

    /**
     * The client of a tail went away. The tail ends with it, as wrangler never reconnects
     * and its DELETE on exit may not get out before the process does.
     */
    public void disconnected(Tail tail, TailSink sink) {
        Session session;
        synchronized (this) {
            session = byId.get(tail.id());
            if (session == null || session.sink != sink || !byId.remove(tail.id(), session)) {
                return;
            }
        }
        end(session);
    }

    /** Ends the tails that have expired, closing their clients. */
    public void sweep(Instant now) {
        for (Session s : List.copyOf(byId.values())) {
            if (!s.tail.expiresAt().isAfter(now) && byId.remove(s.tail.id(), s)) {
                LOG.info("tail {} of {} expired", s.tail.id(), s.tail.script());
                end(s);
            }
        }
    }

    private void end(Session session) {
        TailSink sink;
        synchronized (this) {
            sink = session.sink;
            session.sink = null;
            rebuild();
        }
        if (sink != null) {
            sink.close();
        }
    }

    /** Recomputes which scripts have connected clients; called with this object's lock held. */
    private void rebuild() {
        Map<ScriptRef, List<Session>> next = new HashMap<>();
        for (Session s : byId.values()) {
            if (s.sink != null) {
                next.computeIfAbsent(s.tail.script(), k -> new ArrayList<>()).add(s);
            }
        }
        next.replaceAll((k, v) -> List.copyOf(v));
        watched = Map.copyOf(next);
    }

    /**
     * The observer for an invocation that starts now: {@link InvocationObserver#NONE} unless
     * a client tails the script. This is on every request's path and must stay cheap.
     */
    InvocationObserver observe(ScriptRef script, String versionId, WorkerRequest request) {
        Map<ScriptRef, List<Session>> current = watched;
        if (current.isEmpty()) {
            return InvocationObserver.NONE;
        }
        List<Session> sessions = current.get(script);
        return sessions == null ? InvocationObserver.NONE : new TailEvent(this, sessions, script, versionId, request);
    }

    /**
     * The observer for an invocation of a script with Tail Workers: the event is collected
     * whether or not a client tails the script, and handed to {@code delivery} once it ends.
     */
    InvocationObserver observe(ScriptRef script, String versionId, WorkerRequest request, TailEvent.Delivery delivery) {
        List<Session> sessions = watched.get(script);
        return new TailEvent(this, sessions == null ? List.of() : sessions, script, versionId, request, delivery);
    }

    /**
     * The observer for one event of an open WebSocket ({@code message} or {@code close}), as
     * cheap as {@link #observe} when nobody tails the script.
     */
    InvocationObserver observeWebSocketEvent(ScriptRef script, String versionId, String type) {
        Map<ScriptRef, List<Session>> current = watched;
        List<Session> sessions = current.isEmpty() ? null : current.get(script);
        return sessions == null ? InvocationObserver.NONE : TailEvent.webSocket(this, sessions, script, versionId, type);
    }

    /** Sends a finished invocation to each of its tails whose filters it passes. */
    void publish(TailEvent event, List<Session> sessions, InvocationRecord record) {
        String json = null;
        for (Session s : sessions) {
            TailSink sink = s.sink;
            if (sink == null || !s.filter.accepts(event)) {
                continue;
            }
            if (json == null) {
                json = event.toJson(record);
            }
            if (!sink.offer(json)) {
                long dropped = s.dropped.incrementAndGet();
                if (dropped == 1 || dropped % 100 == 0) {
                    LOG.warn("tail {} of {}: the client is not keeping up; {} event(s) dropped so far",
                            s.tail.id(), s.tail.script(), dropped);
                }
            }
        }
    }
}
