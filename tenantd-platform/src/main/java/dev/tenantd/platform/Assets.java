package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.store.BlobStore;
import dev.tenantd.platform.store.ScriptStore;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Static assets, uploaded the way wrangler and the SDK do it: a session names the
 * files by path, hash and size; the client uploads the contents the server does
 * not have yet (deduplicated by hash per script); the session's completion
 * token then goes into the upload metadata ({@code assets.jwt}) and the version
 * serves those files: directly for GET and HEAD requests whose path names one,
 * and through an {@code assets} binding.
 */
public final class Assets {
    /** How long an upload session and its completion token stay valid. */
    static final long SESSION_MILLIS = 60 * 60 * 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The most files one site (one version's assets) may have. */
    public static final int MAX_FILES = 100_000;
    /** The longest path of a file. */
    public static final int MAX_PATH_CHARS = 1_024;
    /** The largest asset file, as on Workers (25 MiB); the upload session gives each file a request of its own. */
    public static final long MAX_FILE_BYTES = 25L * 1024 * 1024;
    /** Upload sessions an account may have at once, finished or not (each is kept an hour). */
    public static final int MAX_SESSIONS = 1_000;
    /** Files the manifests of an account's sessions may name together: what the sessions hold in memory. */
    public static final int MAX_SESSION_FILES = 200_000;

    private final ScriptStore store;
    private final BlobStore blobs;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final AssetSites sites;

    /** An upload session: the manifest, the hashes still missing, and for whom. */
    private static final class Session {
        final String accountId;
        final ScriptRef ref;
        final Map<String, JsonNode> manifest;
        final Set<String> hashes;
        final Set<String> missing;
        /** Each file's size in the manifest, by hash. */
        final Map<String, Long> sizes = new java.util.HashMap<>();
        final long expires;
        volatile String completion;

        Session(ScriptRef ref, Map<String, JsonNode> manifest, Set<String> missing) {
            this.accountId = ref.accountId();
            this.ref = ref;
            this.manifest = manifest;
            this.hashes = Set.copyOf(missing);
            this.missing = missing;
            // on the monotonic clock: a wall clock stepped back must not keep sessions (and their room) for longer
            this.expires = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(SESSION_MILLIS);
            manifest.values().forEach(file -> sizes.put(file.get("hash").asText(), file.get("size").asLong()));
        }

        /** The size the manifest gives the file with {@code hash}. */
        long size(String hash) {
            return sizes.getOrDefault(hash, -1L);
        }
    }

    /** The answer to a session request: the token to upload with, and the hashes to send, in buckets. */
    public record SessionStart(String jwt, List<List<String>> buckets) {
    }

    Assets(ScriptStore store, BlobStore blobs) {
        this.sites = new AssetSites(store::assetManifest);
        this.store = store;
        this.blobs = blobs;
    }

    /**
     * Starts an upload session for {@code manifest} ({@code {"/path": {"hash": 32 hex, "size": n}}}).
     * When the server has every file already, the token returned is the completion token.
     */
    public SessionStart startSession(ScriptRef ref, JsonNode manifest) {
        if (manifest == null || !manifest.isObject() || manifest.isEmpty()) {
            throw new PlatformException(Problem.INVALID_REQUEST, "Send {\"manifest\": {\"/index.html\": "
                    + "{\"hash\": \"<32 hex digits>\", \"size\": 123}}} naming at least one file.");
        }
        if (manifest.size() > MAX_FILES) {
            throw new PlatformException(Problem.INVALID_REQUEST, "The manifest names " + manifest.size() + " files; a "
                    + "site may have at most " + MAX_FILES + ".");
        }
        pruneExpired();
        checkRoom(ref.accountId(), manifest.size());
        Map<String, JsonNode> files = new LinkedHashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (var e : manifest.properties()) {
            String path = e.getKey();
            JsonNode file = e.getValue();
            if (path.length() > MAX_PATH_CHARS) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Asset path '" + path.substring(0, 64)
                        + "...' is longer than " + MAX_PATH_CHARS + " characters.");
            }
            if (!path.startsWith("/") || path.contains("\\") || path.contains("/../") || path.endsWith("/..")) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Asset path '" + path
                        + "' must start with / and stay inside the site.");
            }
            String hash = file.path("hash").asText("");
            if (!hash.matches("[0-9a-f]{32}") || !file.path("size").canConvertToLong() || file.path("size").asLong() < 0) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Asset '" + path
                        + "' needs a 'hash' of 32 lower-case hex digits and a 'size' in bytes.");
            }
            if (file.path("size").asLong() > MAX_FILE_BYTES) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Asset '" + path + "' is " + file.path("size").asLong()
                        + " bytes; an asset file may be at most " + MAX_FILE_BYTES + " bytes (25 MiB).");
            }
            // Only what is checked is kept: a manifest's other fields could be megabytes per
            // file, held for the session's hour.
            files.put(path, Platform.JSON.createObjectNode().put("hash", hash).put("size", file.path("size").asLong()));
        }
        // Marked used before they are looked up: a collection that runs meanwhile keeps what this session counts on.
        List<String> hashes = files.values().stream().map(f -> f.get("hash").asText()).distinct().toList();
        store.touchAssets(ref, hashes);
        for (String hash : hashes) {
            if (store.assetBlob(ref, hash).isEmpty()) {
                missing.add(hash);
            }
        }
        Session session = new Session(ref, files, java.util.Collections.synchronizedSet(missing));
        String token = token();
        synchronized (sessions) {
            // Checked again where the session is added: sessions started at once all passed the
            // first check before any of them was added.
            checkRoom(ref.accountId(), files.size());
            sessions.put(token, session);
        }
        if (missing.isEmpty()) {
            return new SessionStart(complete(session), List.of());
        }
        List<List<String>> buckets = new ArrayList<>();
        for (String hash : missing) {
            buckets.add(List.of(hash));
        }
        return new SessionStart(token, buckets);
    }

    /**
     * Checks that {@code token} opens an upload session of the account that is still
     * waiting for files; the API asks before it reads an upload's body.
     */
    public void requireSession(String accountId, String token) {
        session(accountId, token);
    }

    private Session session(String accountId, String token) {
        return live(token).filter(s -> s.accountId.equals(accountId) && !token.equals(s.completion))
                .orElseThrow(() -> new PlatformException(Problem.UNAUTHORIZED,
                        "The asset upload token is not valid or has expired: start a new upload session."));
    }

    /**
     * Stores uploaded contents (hash → bytes) for the session {@code token}; returns
     * the completion token once every missing file has arrived.
     */
    public Optional<String> upload(String accountId, String token, Map<String, byte[]> contents) {
        Session session = session(accountId, token);
        if (contents.isEmpty()) {
            throw new PlatformException(Problem.INVALID_REQUEST, "Send one multipart part per file, named by its hash.");
        }
        for (var e : contents.entrySet()) {
            if (!session.hashes.contains(e.getKey())) {
                throw new PlatformException(Problem.INVALID_REQUEST, "Hash '" + e.getKey()
                        + "' is not one this upload session asked for.");
            }
            long size = session.size(e.getKey());
            if (e.getValue().length != size) {
                throw new PlatformException(Problem.INVALID_REQUEST, "The file with hash '" + e.getKey() + "' has "
                        + e.getValue().length + " bytes; the manifest said " + size + ".");
            }
        }
        for (var e : contents.entrySet()) {
            // A file that arrived before is not stored again (a retried bucket): the session's
            // token must not let a client write the same file over and over, each time a new blob.
            if (session.missing.contains(e.getKey())) {
                String sha = blobs.put(e.getValue(), "static assets");
                store.putAsset(session.ref, e.getKey(), sha, e.getValue().length);
            }
        }
        // Buckets arrive in parallel: every caller that sees the last one arrive gets the same completion token.
        synchronized (session) {
            contents.keySet().forEach(session.missing::remove);
            return session.missing.isEmpty() ? Optional.of(complete(session)) : Optional.empty();
        }
    }

    /** The session's completion token, made once. */
    private String complete(Session session) {
        synchronized (session) {
            if (session.completion == null) {
                session.completion = token();
                sessions.put(session.completion, session);
            }
            return session.completion;
        }
    }

    /**
     * The manifest a completion token stands for, with each file's stored blob, as the store
     * keeps it for versions: {@code {"manifest": {"/path": {"hash", "size", "sha256"}}, "config": {...}}}.
     */
    String versionAssets(ScriptRef ref, String completionToken, JsonNode config) {
        Session session = live(completionToken).filter(s -> completionToken.equals(s.completion))
                .orElseThrow(() -> new PlatformException(Problem.INVALID_METADATA, "metadata.assets.jwt is not "
                        + "a completion token of a finished asset upload session (or it has expired)."));
        if (!session.ref.equals(ref)) {
            throw new PlatformException(Problem.INVALID_METADATA, "metadata.assets.jwt belongs to an upload session "
                    + "of another worker.");
        }
        ObjectNode out = Platform.JSON.createObjectNode();
        ObjectNode manifest = out.putObject("manifest");
        for (var e : session.manifest.entrySet()) {
            String hash = e.getValue().get("hash").asText();
            String sha = store.assetBlob(ref, hash).orElseThrow(() -> new PlatformException(
                    Problem.INVALID_METADATA, "Asset '" + e.getKey() + "' was never uploaded."));
            manifest.putObject(e.getKey()).put("hash", hash).put("size", e.getValue().get("size").asLong()).put("sha256", sha);
        }
        if (config != null && config.isObject()) {
            out.set("config", config);
        }
        return out.toString();
    }

    private Optional<Session> live(String token) {
        pruneExpired();
        return Optional.ofNullable(token == null ? null : sessions.get(token));
    }

    private void pruneExpired() {
        long now = System.nanoTime();
        sessions.values().removeIf(s -> now - s.expires > 0);
    }

    /** Refuses a session of {@code files} files when the account's sessions have no room for it. */
    private void checkRoom(String accountId, int files) {
        List<Session> held = sessions.values().stream().filter(s -> s.accountId.equals(accountId)).distinct().toList();
        long heldFiles = held.stream().mapToLong(s -> s.manifest.size()).sum();
        if (held.size() >= MAX_SESSIONS || heldFiles + files > MAX_SESSION_FILES) {
            throw new PlatformException(Problem.CONFLICT, "The account's asset upload sessions of the last hour hold "
                    + held.size() + " sessions and " + heldFiles + " files; at most " + MAX_SESSIONS + " sessions and "
                    + MAX_SESSION_FILES + " files are kept at once. Try again when older ones expire (an hour after "
                    + "they started).");
        }
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---- serving

    /**
     * Whether a version's assets are served before its worker runs (the default). Parses the
     * version's manifest when it is not cached: call it where blocking is allowed.
     */
    boolean servesFirst(ScriptVersion v) {
        return v.hasAssets() && !sites.of(v).runWorkerFirst();
    }

    /**
     * Whether an asset could answer {@code request} before the worker runs, when that is known
     * without parsing a manifest: empty when the version's site is not parsed yet.
     */
    Optional<Boolean> mayServeFirst(ScriptVersion v, WorkerRequest request) {
        if (!v.hasAssets() || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
            return Optional.of(false);
        }
        return sites.cached(v).map(site -> !site.runWorkerFirst());
    }

    /**
     * The asset a GET or HEAD request names, as a response: the exact path, then
     * {@code path.html}, {@code path/index.html}, and {@code /index.html} for {@code /}.
     */
    Optional<WorkerResponse> serve(ScriptVersion v, WorkerRequest request) {
        if (!v.hasAssets() || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
            return Optional.empty();
        }
        String path;
        try {
            path = URI.create(request.url()).getPath();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        AssetSites.Site site = sites.of(v);
        List<String> candidates = path.endsWith("/")
                ? List.of(path + "index.html", path + "index.htm")
                : List.of(path, path + ".html", path + "/index.html");
        for (String candidate : candidates) {
            Optional<AssetSites.File> file = site.file(candidate);
            if (file.isPresent()) {
                String etag = "\"" + file.get().hash() + "\"";
                List<String> headers = List.of("content-type", contentType(candidate), "etag", etag);
                if (request.header("if-none-match").filter(tags -> namesTag(tags, etag)).isPresent()) {
                    // The client has this file: nothing is read.
                    return Optional.of(new WorkerResponse(304, "Not Modified", headers, new byte[0]));
                }
                byte[] body = request.method().equals("HEAD") ? new byte[0] : blobs.get(file.get().sha256());
                return Optional.of(new WorkerResponse(200, "OK", headers, body));
            }
        }
        return Optional.empty();
    }

    /** Whether an If-None-Match list names {@code etag} (compared weakly, as for GET), or is {@code *}. */
    static boolean namesTag(String tags, String etag) {
        for (String tag : tags.split(",", 64)) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static final Map<String, String> TYPES = new HashMap<>();

    static {
        String[][] types = {{"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
            {"css", "text/css; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"},
            {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"}, {"txt", "text/plain; charset=utf-8"},
            {"xml", "application/xml"}, {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"},
            {"jpeg", "image/jpeg"}, {"gif", "image/gif"}, {"webp", "image/webp"}, {"avif", "image/avif"},
            {"ico", "image/x-icon"}, {"wasm", "application/wasm"}, {"woff", "font/woff"}, {"woff2", "font/woff2"},
            {"pdf", "application/pdf"}, {"map", "application/json"}, {"webmanifest", "application/manifest+json"}};
        for (String[] t : types) {
            TYPES.put(t[0], t[1]);
        }
    }

    static String contentType(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "application/octet-stream"
                : TYPES.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }

    /** For JSON answers: the buckets as arrays. */
    public static ArrayNode bucketsJson(List<List<String>> buckets) {
        ArrayNode out = Platform.JSON.createArrayNode();
        for (List<String> bucket : buckets) {
            ArrayNode b = out.addArray();
            bucket.forEach(b::add);
        }
        return out;
    }
}
