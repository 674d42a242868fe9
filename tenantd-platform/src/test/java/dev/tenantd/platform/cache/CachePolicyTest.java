package dev.tenantd.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What cache.put keeps, and for how long: Cloudflare's reading of the response headers. */
class CachePolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final HttpFields NO_REQUEST_HEADERS = HttpFields.parse("");

    private static CachePolicy.Decision decide(int status, String... headers) {
        return CachePolicy.decide(status, HttpFields.parse(String.join("\0", headers)), NO_REQUEST_HEADERS, NOW);
    }

    private static Duration ttl(CachePolicy.Decision d) {
        assertThat(d).isInstanceOf(CachePolicy.Store.class);
        return Duration.between(NOW, ((CachePolicy.Store) d).expires());
    }

    @Test
    void s_maxage_wins_over_max_age_which_wins_over_expires() {
        assertThat(ttl(decide(200, "cache-control", "max-age=60, s-maxage=600"))).isEqualTo(Duration.ofSeconds(600));
        assertThat(ttl(decide(200, "cache-control", "public, max-age=60", "expires", "Thu, 01 Jan 2026 01:00:00 GMT")))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(ttl(decide(200, "expires", "Thu, 01 Jan 2026 01:00:00 GMT"))).isEqualTo(Duration.ofHours(1));
        assertThat(ttl(decide(200, "date", "Wed, 31 Dec 2025 23:00:00 GMT", "expires", "Thu, 01 Jan 2026 00:30:00 GMT")))
                .as("Expires counts from the response's Date").isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void an_entry_is_kept_a_year_at_most_whatever_its_headers_ask() {
        assertThat(ttl(decide(200, "cache-control", "max-age=10000000000000000"))).isEqualTo(CachePolicy.MAX_LIFE);
        assertThat(ttl(decide(200, "cache-control", "s-maxage=" + Long.MAX_VALUE))).isEqualTo(CachePolicy.MAX_LIFE);
        assertThat(ttl(decide(200, "expires", "Fri, 31 Dec 9999 23:59:59 GMT"))).isEqualTo(CachePolicy.MAX_LIFE);
        assertThat(ttl(decide(200, "cache-control", "max-age=31535999"))).isEqualTo(Duration.ofSeconds(31_535_999));
        // too many digits for a number: the longest age RFC 9111 allows, not none at all
        assertThat(ttl(decide(200, "cache-control", "max-age=99999999999999999999"))).isEqualTo(CachePolicy.MAX_LIFE);
        assertThat(ttl(decide(200, "cache-control", "s-maxage=" + "9".repeat(40) + ", max-age=5")))
                .isEqualTo(CachePolicy.MAX_LIFE);
    }

    @Test
    void without_directives_the_status_gives_cloudflares_default_ttl() {
        assertThat(ttl(decide(200))).isEqualTo(Duration.ofHours(2));
        assertThat(ttl(decide(301))).isEqualTo(Duration.ofHours(2));
        assertThat(ttl(decide(302))).isEqualTo(Duration.ofMinutes(20));
        assertThat(ttl(decide(404))).isEqualTo(Duration.ofMinutes(3));
        assertThat(decide(500)).isInstanceOf(CachePolicy.Skip.class);
        assertThat(ttl(decide(500, "cache-control", "max-age=5"))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void no_store_no_cache_private_zero_ages_and_past_expiry_keep_nothing() {
        assertThat(decide(200, "cache-control", "no-store, max-age=60")).isInstanceOf(CachePolicy.Skip.class);
        assertThat(decide(200, "cache-control", "No-Cache")).isInstanceOf(CachePolicy.Skip.class);
        assertThat(decide(200, "cache-control", "private, max-age=60")).isInstanceOf(CachePolicy.Skip.class);
        assertThat(decide(200, "cache-control", "max-age=0")).isInstanceOf(CachePolicy.Skip.class);
        assertThat(decide(200, "cache-control", "max-age=soon")).isInstanceOf(CachePolicy.Skip.class);
        assertThat(decide(200, "expires", "0")).isInstanceOf(CachePolicy.Skip.class);
        assertThat(decide(200, "expires", "Wed, 31 Dec 2025 00:00:00 GMT")).isInstanceOf(CachePolicy.Skip.class);
    }

    @Test
    void set_cookie_is_never_cached_unless_private_names_it_and_then_it_is_dropped() {
        assertThat(decide(200, "cache-control", "max-age=60", "set-cookie", "s=1")).isInstanceOf(CachePolicy.Skip.class);
        CachePolicy.Decision d = decide(200, "cache-control", "max-age=60, private=\"Set-Cookie\"", "set-cookie", "s=1",
                "x-kept", "yes");
        assertThat(ttl(d)).isEqualTo(Duration.ofSeconds(60));
        HttpFields stored = ((CachePolicy.Store) d).headers();
        assertThat(stored.has("set-cookie")).isFalse();
        assertThat(stored.get("x-kept")).contains("yes");
        assertThat(decide(200, "cache-control", "private=set-cookie", "set-cookie", "a=1", "set-cookie", "b=2"))
                .isInstanceOf(CachePolicy.Store.class);
    }

    @Test
    void vary_keeps_the_request_values_it_names() {
        CachePolicy.Decision d = CachePolicy.decide(200, HttpFields.parse("vary\0Accept-Language, X-Mode"),
                HttpFields.parse("accept-language\0de\0cookie\0c"), NOW);
        Map<String, String> vary = ((CachePolicy.Store) d).vary();
        assertThat(vary).isEqualTo(Map.of("accept-language", "de", "x-mode", ""));
        assertThat(CachePolicy.varyMatches(vary, HttpFields.parse("accept-language\0de"))).isTrue();
        assertThat(CachePolicy.varyMatches(vary, HttpFields.parse("accept-language\0fr"))).isFalse();
        assertThat(CachePolicy.varyMatches(vary, HttpFields.parse("accept-language\0de\0x-mode\0m"))).isFalse();
    }
}
