package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The logs search: letters in either case, as regionMatches compares them, in one pass over the text. */
class AsciiCaseSearchTest {
    private static boolean finds(String needle, String haystack) {
        return new RecordFilter.AsciiCaseSearch(needle).in(haystack);
    }

    @Test
    void finds_text_in_either_ascii_case_and_only_where_it_is() {
        assertThat(finds("Timeout", "request TIMEOUT after 30 s")).isTrue();
        assertThat(finds("abcabd", "abcabcabd")).isTrue();
        assertThat(finds("aab", "aaab")).isTrue();
        assertThat(finds("", "anything")).isTrue();
        assertThat(finds("x", "")).isFalse();
        assertThat(finds("abd", "abcabc")).isFalse();
        assertThat(finds("ÉCHEC", "un échec")).as("letters beyond ASCII fold too").isTrue();
        assertThat(finds("ä", "xäx")).isTrue();
    }

    @Test
    void agrees_with_a_plain_search_on_random_texts() {
        Random random = new Random(7);
        for (int round = 0; round < 5_000; round++) {
            String haystack = text(random, random.nextInt(40));
            String needle = text(random, 1 + random.nextInt(5));
            boolean plain = false;
            for (int i = 0; i + needle.length() <= haystack.length() && !plain; i++) {
                plain = haystack.regionMatches(true, i, needle, 0, needle.length());
            }
            assertThat(finds(needle, haystack)).as(needle + " in " + haystack).isEqualTo(plain);
        }
    }

    @Test
    void a_query_of_repeated_letters_is_found_only_where_it_ends() {
        // The input that made the former search cost the query's length per character of text.
        String needle = "a".repeat(255) + "b";
        String haystack = "A".repeat(32 * 1024);
        RecordFilter.AsciiCaseSearch search = new RecordFilter.AsciiCaseSearch(needle);
        assertThat(search.in(haystack)).isFalse();
        assertThat(search.in(haystack + "b")).isTrue();
    }

    private static String text(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append("aAbBéÉ".charAt(random.nextInt(6)));
        }
        return b.toString();
    }
}
