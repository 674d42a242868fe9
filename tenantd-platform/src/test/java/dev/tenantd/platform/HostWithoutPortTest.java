package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing looks a request's host up without its port. The port is a trailing colon and ASCII
 * digits, and nothing else is taken off: IPv6 literals, empty ports and names that end in other
 * characters stay as they came.
 */
class HostWithoutPortTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hello.localhost:8787|hello.localhost",
            "hello.localhost|hello.localhost",
            "[::1]:8080|[::1]",
            "[::1]|[::1]",
            "host:|host:",
            "host:80a|host:80a",
            "host:8:80|host:8",
            "a.example:０８|a.example:０８",
            ":443|''",
    })
    void takes_off_a_trailing_colon_and_ascii_digits_only(String host, String expected) {
        assertThat(Directory.withoutPort(host)).isEqualTo(expected);
    }

    @Test
    void agrees_with_the_regular_expression_it_replaces_on_random_hosts() {
        Random random = new Random(12);
        String alphabet = "ab.:0129[]-٣０";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder host = new StringBuilder();
            for (int i = random.nextInt(10); i > 0; i--) {
                host.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String h = host.toString();
            assertThat(Directory.withoutPort(h)).as(h).isEqualTo(h.replaceFirst(":\\d+$", ""));
        }
    }
}
