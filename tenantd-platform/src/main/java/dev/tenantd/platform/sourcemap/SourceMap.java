package dev.tenantd.platform.sourcemap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A decoded Source Map v3: for each generated line, its segments sorted by generated column.
 * A map is hostile input, so decoding never throws: a map that is not a well-formed v3 map
 * decodes to nothing ({@link #decode} is empty), and a segment whose indexes point outside
 * the map's {@code sources} or lines or columns below zero maps nothing.
 *
 * <p>Segments are held as five ints (generated column, source, original line, original
 * column, name), absolute and 0-based, with -1 for "absent", in one array per line.
 */
public final class SourceMap {
    /** Bigger maps are refused at upload and never decoded. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;
    /** Segments beyond this many are refused: they would hold more memory than a worker's map needs. */
    static final int MAX_SEGMENTS = 1_000_000;
    /** Generated lines beyond this many are refused too: a map of nothing but {@code ;} is not a map of a worker. */
    static final int MAX_LINES = 1_000_000;
    /**
     * A {@code sourceRoot} or a source longer than this is not a path a bundler wrote: the root is
     * not used, and the source is shown cut, not normalized.
     */
    static final int MAX_PATH_CHARS = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String root;
    private final List<String> sources;
    private final List<String> names;
    private final int[][] lines;

    private SourceMap(String root, List<String> sources, List<String> names, int[][] lines) {
        this.root = root;
        this.sources = sources;
        this.names = names;
        this.lines = lines;
    }

    /** Where a generated position came from; {@code line} and {@code column} are 1-based, as in V8's stacks. */
    public record Original(String source, int line, int column, Optional<String> name) {
    }

    /** The map in {@code json}, or empty when it is not a Source Map v3 this decoder can use. */
    public static Optional<SourceMap> decode(byte[] json) {
        if (json.length > MAX_BYTES) {
            return Optional.empty();
        }
        try {
            JsonNode map = JSON.readTree(json);
            if (problem(map).isPresent()) {
                return Optional.empty();
            }
            String root = map.path("sourceRoot").isTextual() ? map.get("sourceRoot").asText() : "";
            if (root.length() > MAX_PATH_CHARS) {
                root = "";
            }
            // The root is joined to a source when a frame shows it, not here: a map may name millions of sources.
            List<String> sources = new ArrayList<>();
            for (JsonNode s : map.get("sources")) {
                sources.add(s.isTextual() ? s.asText() : "");
            }
            List<String> names = new ArrayList<>();
            for (JsonNode n : map.path("names")) {
                names.add(n.isTextual() ? n.asText() : "");
            }
            String sourceRoot = root;
            return Mappings.decode(map.get("mappings").asText()).map(lines -> new SourceMap(sourceRoot, sources, names,
                    lines));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A relative path without {@code .} and without {@code ..} that a directory before it
     * cancels: bundlers write a {@code sourceRoot} of their output directory and sources
     * relative to it ({@code out} and {@code ../src/index.ts} are {@code src/index.ts}).
     */
    static String normalized(String path) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/", -1)) {
            if (part.equals(".") || (part.isEmpty() && !parts.isEmpty())) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..") && !parts.peekLast().isEmpty()) {
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /**
     * What is wrong with {@code json} as a Source Map v3, in words for the uploader: empty when
     * it is a JSON object with {@code version} 3, a string {@code mappings} of valid Base64 VLQ,
     * and an array {@code sources}.
     */
    public static Optional<String> check(byte[] json) {
        if (json.length > MAX_BYTES) {
            return Optional.of("it is " + json.length + " bytes; a source map may have at most " + MAX_BYTES);
        }
        JsonNode map;
        try {
            map = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return Optional.of("it is not valid JSON");
        }
        return problem(map).or(() -> Mappings.decode(map.get("mappings").asText()).isPresent() ? Optional.empty()
                : Optional.of("its mappings are not valid Base64 VLQ segments of 1, 4 or 5 fields (or have more than "
                        + MAX_SEGMENTS + " segments or " + MAX_LINES + " lines)"));
    }

    private static Optional<String> problem(JsonNode map) {
        if (map == null || !map.isObject()) {
            return Optional.of("it is not a JSON object");
        }
        if (!map.path("version").isInt() || map.get("version").asInt() != 3) {
            return Optional.of("its version is not 3 (only Source Map v3 is read)");
        }
        if (!map.path("mappings").isTextual()) {
            return Optional.of("its mappings is not a string (index maps with sections are not read)");
        }
        if (!map.path("sources").isArray()) {
            return Optional.of("its sources is not an array");
        }
        return Optional.empty();
    }

    /**
     * The original position of the generated 1-based {@code line} and {@code column}: the
     * segment of that line with the greatest generated column not after it. Empty when the
     * line has no such segment, or the segment names no source.
     */
    public Optional<Original> original(int line, int column) {
        if (line < 1 || line > lines.length || column < 1) {
            return Optional.empty();
        }
        int[] segments = lines[line - 1];
        int found = -1;
        int low = 0;
        int high = segments.length / Mappings.FIELDS - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (segments[mid * Mappings.FIELDS] <= column - 1) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        if (found < 0) {
            return Optional.empty();
        }
        int at = found * Mappings.FIELDS;
        int source = segments[at + 1];
        int originalLine = segments[at + 2];
        int originalColumn = segments[at + 3];
        int name = segments[at + 4];
        if (source < 0 || source >= sources.size() || originalLine < 0 || originalColumn < 0) {
            return Optional.empty();
        }
        Optional<String> original = name >= 0 && name < names.size() && !names.get(name).isEmpty()
                ? Optional.of(names.get(name)) : Optional.empty();
        return Optional.of(new Original(source(source), originalLine + 1, originalColumn + 1, original));
    }

    /** Source {@code i} as a frame shows it: under the map's root, or cut when it is too long to be a path. */
    private String source(int i) {
        String name = sources.get(i);
        if (name.length() > MAX_PATH_CHARS) {
            return name.substring(0, MAX_PATH_CHARS);
        }
        return root.isEmpty() || name.isEmpty() || name.contains(":") ? name
                : normalized((root.endsWith("/") ? root : root + "/") + name);
    }

    /** Roughly the memory this map holds, in ints: what the cache of maps counts. */
    long weight() {
        long n = 16L * (sources.size() + names.size()) + root.length() / 2;
        for (String s : sources) {
            n += s.length() / 2; // a char is half an int
        }
        for (String s : names) {
            n += s.length() / 2;
        }
        for (int[] line : lines) {
            n += line.length + 4;
        }
        return n;
    }
}
