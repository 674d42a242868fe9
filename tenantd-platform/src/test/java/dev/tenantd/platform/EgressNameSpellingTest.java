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

    @org.junit.jupiter.api.Test
    void a_name_an_allow_list_of_names_does_not_let_through_is_refused_before_any_lookup() {
        // Looked up first, a name the list refuses anyway would tell the worker whether it exists
        // (a failed lookup reads otherwise) and carry what the worker puts in it to a DNS server.
        EgressPolicies names = new EgressPolicies(new EgressPolicy(List.of("api.example", "*.cdn.example"), List.of()),
                EgressPolicy.OPEN, EgressPolicy.OPEN);
        assertThat(names.refusalByName("no-such-host.invalid")).contains("no-such-host.invalid is not on the allow list "
                + "of the platform");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Egress.resolveAllowed("no-such-host.invalid", names,
                "fetch to no-such-host.invalid")).hasMessageContaining("not on the allow list of the platform");
        assertThat(names.refusalByName("api.example")).isEmpty();
        assertThat(names.refusalByName("img.cdn.example")).isEmpty();
        // a list that names an address or a range can let any name through by what it resolves to
        EgressPolicies ranges = new EgressPolicies(new EgressPolicy(List.of("api.example", "203.0.113.0/24"), List.of()),
                EgressPolicy.OPEN, EgressPolicy.OPEN);
        assertThat(ranges.refusalByName("other.example")).isEmpty();
        EgressPolicies address = new EgressPolicies(EgressPolicy.OPEN, EgressPolicy.OPEN,
                new EgressPolicy(List.of("[2001:db8::1]"), List.of()));
        assertThat(address.refusalByName("other.example")).isEmpty();
    }
}
