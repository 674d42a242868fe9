package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The host side of "domain to ASCII"; the URL Standard's cases run in idna-test.js. */
class IdnaHostCallsTest {
    @Test
    void converts_with_the_url_standards_parameters() {
        assertThat(IdnaHostCalls.toAscii("Bücher.de")).contains("xn--bcher-kva.de");
        // CheckHyphens and VerifyDnsLength are off: hyphens anywhere, empty and long labels pass.
        assertThat(IdnaHostCalls.toAscii("-x.ß")).contains("-x.xn--zca");
        assertThat(IdnaHostCalls.toAscii("x..ß")).contains("x..xn--zca");
        assertThat(IdnaHostCalls.toAscii("ü".repeat(70))).contains("xn--td" + "a".repeat(70));
        // CheckJoiners and CheckBidi are on.
        assertThat(IdnaHostCalls.toAscii("a\u200Cb")).isEmpty();
        assertThat(IdnaHostCalls.toAscii("\u05D0a")).isEmpty();
    }

    @Test
    void refuses_domains_past_the_bound_whatever_they_hold() {
        String label = "ü".repeat(40) + ".";
        String longest = label.repeat(31).substring(0, IdnaHostCalls.MAX_DOMAIN_LENGTH - 2) + "de";
        assertThat(longest).hasSize(IdnaHostCalls.MAX_DOMAIN_LENGTH);
        assertThat(IdnaHostCalls.toAscii(longest)).isPresent();
        assertThat(IdnaHostCalls.toAscii(longest + "x")).isEmpty();
    }

    @Test
    void refuses_a_label_too_long_for_the_punycode_encoder() {
        assertThat(IdnaHostCalls.toAscii("ü".repeat(1000))).isPresent();
        assertThat(IdnaHostCalls.toAscii("ü".repeat(1001))).isEmpty();
    }
}
