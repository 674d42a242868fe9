package dev.tenantd.platform.sourcemap;

import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.WorkerModule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which uploaded source map belongs to which module. A JavaScript module names its map in
 * its last line ({@code //# sourceMappingURL=index.js.map}, relative to the module's own
 * name), as bundlers write it; without that comment, a map named after the module plus
 * {@code .map} is its map, which is how wrangler names the part it sends.
 */
public final class SourceMapLinks {
    /** The comment is looked for in this many bytes at the end of a module. */
    private static final int TAIL_BYTES = 4096;

    private SourceMapLinks() {
    }

    /** The maps of {@code maps} (by part name) that belong to a module of {@code modules}, by module name. */
    public static Map<String, byte[]> link(List<WorkerModule> modules, Map<String, byte[]> maps) {
        Map<String, byte[]> linked = new LinkedHashMap<>();
        for (WorkerModule module : modules) {
            if (module.type() != ModuleType.ES_MODULE && module.type() != ModuleType.SERVICE_WORKER) {
                continue;
            }
            Optional<byte[]> map = sourceMappingUrl(module.content())
                    .flatMap(url -> resolve(module.name(), url))
                    .map(maps::get)
                    .or(() -> Optional.ofNullable(maps.get(module.name() + ".map")));
            map.ifPresent(m -> linked.put(module.name(), m));
        }
        return linked;
    }

    /** The URL of the module's last line {@code //# sourceMappingURL=...}, if it ends with one. */
    static Optional<String> sourceMappingUrl(byte[] content) {
        int from = Math.max(0, content.length - TAIL_BYTES);
        String tail = new String(content, from, content.length - from, StandardCharsets.UTF_8).stripTrailing();
        String last = tail.substring(tail.lastIndexOf('\n') + 1).strip();
        for (String prefix : List.of("//# sourceMappingURL=", "//@ sourceMappingURL=")) {
            if (last.startsWith(prefix)) {
                String url = last.substring(prefix.length()).strip();
                return url.isEmpty() ? Optional.empty() : Optional.of(url);
            }
        }
        return Optional.empty();
    }

    /**
     * A relative URL against the module's name, as the module names of an upload are paths:
     * {@code lib/a.js} and {@code ../maps/a.js.map} give {@code maps/a.js.map}. Data URLs,
     * absolute URLs and paths leaving the upload give nothing.
     */
    static Optional<String> resolve(String moduleName, String url) {
        if (url.contains(":") || url.startsWith("/") || url.contains("?") || url.contains("#")) {
            return Optional.empty();
        }
        Deque<String> path = new ArrayDeque<>();
        String[] base = moduleName.split("/");
        for (int i = 0; i < base.length - 1; i++) {
            path.addLast(base[i]);
        }
        for (String part : url.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (path.isEmpty()) {
                    return Optional.empty();
                }
                path.removeLast();
            } else {
                path.addLast(part);
            }
        }
        return path.isEmpty() ? Optional.empty() : Optional.of(String.join("/", path));
    }
}
