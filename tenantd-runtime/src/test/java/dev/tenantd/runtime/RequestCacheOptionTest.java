package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A Request's {@code cache} option by compatibility date and flags, as Workers take it. */
class RequestCacheOptionTest {
    private static final String WORKER = """
            export default { fetch() {
              const out = [];
              for (const mode of ['no-store', 'no-cache', 'force-cache']) {
                try { out.push(mode + '=' + new Request('http://x/', { cache: mode }).cache); }
                catch (e) { out.push(mode + ': ' + e.message); }
              }
              return new Response(out.join(' | '));
            } };""";

    private static String at(String date, String... flags) {
        WorkerSource source = new WorkerSource("test-worker", "w.js", List.of(esm("w.js", WORKER)), date, List.of(flags),
                List.of());
        return text(get(load(source), "http://x/"));
    }

    @Test
    void before_2024_11_11_the_option_is_not_implemented() {
        String refused = "The 'cache' field on 'RequestInitializerDict' is not implemented.";
        assertThat(at("2024-06-01")).isEqualTo("no-store: " + refused + " | no-cache: " + refused + " | force-cache: " + refused);
        assertThat(at("2025-01-01", "cache_option_disabled")).startsWith("no-store: " + refused);
    }

    @Test
    void from_2024_11_11_no_store_and_from_2025_08_07_no_cache() {
        assertThat(at("2025-01-01")).isEqualTo(
                "no-store=no-store | no-cache: Unsupported cache mode: no-cache | force-cache: Unsupported cache mode: force-cache");
        assertThat(at("2025-09-01")).isEqualTo(
                "no-store=no-store | no-cache=no-cache | force-cache: Unsupported cache mode: force-cache");
        assertThat(at("2025-01-01", "cache_no_cache_enabled")).contains("no-cache=no-cache");
        assertThat(at("2025-09-01", "cache_no_cache_disabled")).contains("no-cache: Unsupported cache mode: no-cache");
    }
}
