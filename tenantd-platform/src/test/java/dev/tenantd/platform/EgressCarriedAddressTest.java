package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An IPv4 rule holds for the IPv6 addresses that carry its IPv4 addresses (NAT64, 6to4,
 * IPv4-mapped and -compatible), since that is where their packets end up: on a network with
 * NAT64 or DNS64, a blocked IPv4 range would otherwise be reached through its IPv6 form.
 */
class EgressCarriedAddressTest {
    private static final EgressPolicies BLOCKING = new EgressPolicies(EgressPolicy.OPEN,
            new EgressPolicy(List.of(), List.of("52.95.0.0/16", "93.184.215.14")), EgressPolicy.OPEN);

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::345f:1", "64:ff9b::52.95.0.1", "2002:345f:0001::1", "::ffff:52.95.0.1",
            "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"})
    void a_blocked_ipv4_range_or_address_is_blocked_in_its_ipv6_forms(String address) throws Exception {
        assertThat(BLOCKING.refusal("origin.example", InetAddress.getByName(address))).as(address).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::5db8:d70f", "2606:4700::6810:85e5", "52.96.0.1"})
    void other_addresses_are_not(String address) throws Exception {
        assertThat(BLOCKING.refusal("origin.example", InetAddress.getByName(address))).as(address)
                .isEqualTo(Optional.empty());
    }
}
