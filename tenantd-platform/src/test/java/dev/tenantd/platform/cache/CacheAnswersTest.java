package dev.tenantd.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a hit answers: the HIT mark, conditional requests (304) and ranges (206, 416). */
class CacheAnswersTest {
    private static final CachedResponse STORED = new CachedResponse(200, "OK",
            HttpFields.parse("etag\0W/\"v1\"\0last-modified\0Wed, 31 Dec 2025 12:00:00 GMT"),
            "0123456789".getBytes(StandardCharsets.US_ASCII), Instant.MAX, Map.of());

    private static CacheAnswers.Answer answer(String... request) {
        return CacheAnswers.answer(STORED, HttpFields.parse(String.join("\0", request)));
    }

    private static String body(CacheAnswers.Answer a) {
        return new String(a.body(), StandardCharsets.US_ASCII);
    }

    @Test
    void a_hit_is_marked_and_whole() {
        CacheAnswers.Answer a = answer();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.headers().get("cf-cache-status")).contains("HIT");
        assertThat(body(a)).isEqualTo("0123456789");
    }

    @Test
    void if_none_match_compares_weakly_and_star_matches_any_tag() {
        assertThat(answer("if-none-match", "\"v1\"").status()).isEqualTo(304);
        assertThat(answer("if-none-match", "\"v0\", W/\"v1\"").status()).isEqualTo(304);
        assertThat(answer("if-none-match", "*").status()).isEqualTo(304);
        assertThat(answer("if-none-match", "\"v2\"").status()).isEqualTo(200);
        assertThat(answer("if-none-match", "\"v1\"").headers().get("etag")).contains("W/\"v1\"");
        assertThat(answer("if-none-match", "\"v1\"").body()).isEmpty();
    }

    @Test
    void if_modified_since_counts_only_without_if_none_match() {
        assertThat(answer("if-modified-since", "Wed, 31 Dec 2025 12:00:00 GMT").status()).isEqualTo(304);
        assertThat(answer("if-modified-since", "Wed, 31 Dec 2025 11:59:59 GMT").status()).isEqualTo(200);
        assertThat(answer("if-modified-since", "not a date").status()).isEqualTo(200);
        assertThat(answer("if-none-match", "\"other\"", "if-modified-since", "Thu, 01 Jan 2026 00:00:00 GMT").status())
                .isEqualTo(200);
    }

    @Test
    void one_range_gets_a_206_and_an_unsatisfiable_one_a_416() {
        CacheAnswers.Answer part = answer("range", "bytes=2-4");
        assertThat(part.status()).isEqualTo(206);
        assertThat(body(part)).isEqualTo("234");
        assertThat(part.headers().get("content-range")).contains("bytes 2-4/10");
        assertThat(body(answer("range", "bytes=7-"))).isEqualTo("789");
        assertThat(body(answer("range", "bytes=-3"))).isEqualTo("789");
        assertThat(body(answer("range", "bytes=8-100"))).isEqualTo("89");
        CacheAnswers.Answer none = answer("range", "bytes=10-");
        assertThat(none.status()).isEqualTo(416);
        assertThat(none.headers().get("content-range")).contains("bytes */10");
        assertThat(answer("range", "bytes=0-1,4-5").status()).as("several ranges: the whole response").isEqualTo(200);
        assertThat(answer("range", "pages=1").status()).isEqualTo(200);
        assertThat(answer("range", "bytes=5-2").status()).isEqualTo(200);
    }
}
