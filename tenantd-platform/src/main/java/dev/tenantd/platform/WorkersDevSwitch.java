package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plain worker's workers.dev switch ({@code POST .../subdomain {"enabled": false}}, what
 * wrangler sends for {@code workers_dev = false}): off, the worker is not served at
 * {@code <script>.<workers-dev-domain>}, only through its routes and the bindings that name it.
 * On unless switched off, as for a worker uploaded without wrangler.
 */
final class WorkersDevSwitch {
    private static final int CACHE_ENTRIES = 4096;
    /** Answers by settings text: read on the request path of every workers.dev request. */
    private static final ConcurrentHashMap<String, Boolean> PARSED = new ConcurrentHashMap<>();

    private WorkersDevSwitch() {
    }

    static boolean enabled(String settingsJson) {
        if (!settingsJson.contains("\"subdomain\"")) {
            return true;
        }
        Boolean known = PARSED.get(settingsJson);
        if (known != null) {
            return known;
        }
        boolean enabled;
        try {
            JsonNode subdomain = Platform.JSON.readTree(settingsJson).path("subdomain");
            enabled = subdomain.path("enabled").asBoolean(true);
        } catch (IOException e) {
            enabled = true;
        }
        if (PARSED.size() >= CACHE_ENTRIES) {
            PARSED.clear();
        }
        PARSED.put(settingsJson, enabled);
        return enabled;
    }
}
