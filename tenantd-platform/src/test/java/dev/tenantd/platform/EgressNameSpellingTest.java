package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A host name reaches DNS the same however its letters are cased and with or without the
 * root's trailing dot; a block-list rule naming the host holds for every such spelling
 * (connect() passes the name as the worker wrote it).
 */
class EgressNameSpellingTest {

    private static final EgressPolicies BLOCKING = new EgressPolicies(EgressPolicy.OPEN,
            new EgressPolicy(List.of(), List.of("evil.example", "*.internal.example")), EgressPolicy.OPEN);

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "EVIL.example", "evil.example.", "Evil.Example.",
            "db.internal.example", "DB.INTERNAL.EXAMPLE", "db.internal.example."})
    void a_blocked_name_is_blocked_in_every_spelling(String host) throws Exception {
        assertThat(BLOCKING.refusalByName(host)).isPresent();
        assertThat(BLOCKING.refusal(host, InetAddress.getByName("93.184.215.14"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"API.example", "api.example."})
    void an_allowed_name_is_allowed_in_every_spelling(String host) throws Exception {
        EgressPolicies allowing = new EgressPolicies(EgressPolicy.OPEN,
                new EgressPolicy(List.of("api.example"), List.of()), EgressPolicy.OPEN);
        assertThat(allowing.refusal(host, InetAddress.getByName("93.184.215.14"))).isEqualTo(Optional.empty());
    }
}
