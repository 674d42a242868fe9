package dev.tenantd.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The static-asset sites of versions, read and parsed from their stored manifests: each file's
 * path with its client hash and its blob, and whether the worker runs first. Parsed sites are
 * kept for the manifests served most recently (versions with the same manifest share one), as
 * long as they hold at most {@link #MAX_CACHED_FILES} files together (a site of 100,000 files
 * takes about 30 MB); a manifest is read and parsed outside the cache's lock, so a large one
 * holds up no other site.
 */
final class AssetSites {
    /** Files the cached sites may hold together. */
    static final int MAX_CACHED_FILES = 200_000;

    /** A file of a site: the client's hash (its ETag) and the blob holding it. */
    record File(String hash, String sha256) {
    }

    /** A version's site. */
    record Site(boolean runWorkerFirst, Map<String, File> files) {
        Optional<File> file(String path) {
            return Optional.ofNullable(files.get(path));
        }
    }

    private static final Site NONE = new Site(false, Map.of());

    private final java.util.function.Function<String, Optional<String>> manifests;
    private final LinkedHashMap<String, Site> cached = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedFiles;

    /** Sites whose manifests {@code manifests} gives by their ids. */
    AssetSites(java.util.function.Function<String, Optional<String>> manifests) {
        this.manifests = manifests;
    }

    /** The site of {@code v}; an empty one when it has no assets. */
    Site of(ScriptVersion v) {
        if (!v.hasAssets()) {
            return NONE;
        }
        synchronized (this) {
            Site known = cached.get(v.assetsId());
            if (known != null) {
                return known;
            }
        }
        // A version names only a stored manifest; one gone meanwhile (its script deleted) serves
        // nothing, and is not cached: it would hold a place that no file count ever frees.
        Optional<String> json = manifests.apply(v.assetsId());
        if (json.isEmpty()) {
            return NONE;
        }
        Site site = parse(json.get());
        synchronized (this) {
            if (cached.putIfAbsent(v.assetsId(), site) == null) {
                cachedFiles += site.files().size();
                var eldest = cached.entrySet().iterator();
                while (cachedFiles > MAX_CACHED_FILES && cached.size() > 1) {
                    cachedFiles -= eldest.next().getValue().files().size();
                    eldest.remove();
                }
            }
        }
        return site;
    }

    /** The site of {@code v} if it is parsed and cached now: nothing is read or parsed. */
    synchronized Optional<Site> cached(ScriptVersion v) {
        return Optional.ofNullable(cached.get(v.assetsId()));
    }

    /** Files held by the cached sites (for tests). */
    synchronized long cachedFiles() {
        return cachedFiles;
    }

    /** Reads {@code {"manifest": {"/path": {"hash", "size", "sha256"}}, "config": {...}}} without building a tree. */
    static Site parse(String json) {
        assert !io.vertx.core.Context.isOnEventLoopThread() : "a site's manifest is parsed on an event loop";
        Map<String, File> files = new HashMap<>();
        boolean runWorkerFirst = false;
        try (JsonParser p = Platform.JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("manifest") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String path = p.currentName();
                        expect(p.nextToken(), JsonToken.START_OBJECT);
                        String hash = null;
                        String sha256 = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            p.nextToken();
                            if (name.equals("hash")) {
                                hash = p.getValueAsString();
                            } else if (name.equals("sha256")) {
                                sha256 = p.getValueAsString();
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (hash != null && sha256 != null) {
                            files.put(path, new File(hash, sha256));
                        }
                    }
                } else if (field.equals("config") && value == JsonToken.START_OBJECT) {
                    runWorkerFirst = Platform.JSON.<com.fasterxml.jackson.databind.JsonNode>readTree(p).path("run_worker_first")
                            .asBoolean(false);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("stored assets are not JSON", e);
        }
        return new Site(runWorkerFirst, files);
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("expected " + wanted + ", found " + actual);
        }
    }
}
