package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Egress to this machine's own addresses, public or not: literals only, nothing is connected to. */
class OwnAddressesTest {
    /** Public addresses, used as data only, that the test claims for the machine. */
    private static final OwnAddresses CLAIMING = new OwnAddresses(() -> List.of(literal("93.184.215.14"),
            literal("2a00:1450:4001:80b::200e")));
    private static final EgressPolicies FETCH = new EgressPolicies(EgressPolicy.OPEN, EgressPolicy.OPEN, EgressPolicy.OPEN);
    private static final EgressPolicies SOCKETS = FETCH.forSockets();

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_socket_to_a_public_address_of_this_machine_needs_the_platform_allow_list() {
        assertThat(SOCKETS.refusal("93.184.215.14", literal("93.184.215.14"), CLAIMING))
                .contains("93.184.215.14 is an address of this server; only the platform's egress allow list can open it");
        assertThat(SOCKETS.refusal("self.example", literal("93.184.215.14"), CLAIMING)).as("by name: the address unsaid")
                .contains("self.example resolves to an address that is not public or is this server's; only the "
                        + "platform's egress allow list can open it");
        assertThat(SOCKETS.refusal("self.example", literal("2a00:1450:4001:80b::200e"), CLAIMING)).isPresent();
        // the same IPv4 address carried in IPv6 reaches the same machine
        assertThat(SOCKETS.refusal("self.example", literal("64:ff9b::5db8:d70e"), CLAIMING)).isPresent();
        assertThat(SOCKETS.refusal("other.example", literal("93.184.215.15"), CLAIMING)).isEmpty();

        EgressPolicies opened = new EgressPolicies(new EgressPolicy(List.of("93.184.215.14/32"), List.of()),
                EgressPolicy.OPEN, EgressPolicy.OPEN).forSockets();
        assertThat(opened.refusal("self.example", literal("93.184.215.14"), CLAIMING)).isEmpty();
        EgressPolicies byScript = new EgressPolicies(EgressPolicy.OPEN, EgressPolicy.OPEN,
                new EgressPolicy(List.of("93.184.215.14/32"), List.of())).forSockets();
        assertThat(byScript.refusal("self.example", literal("93.184.215.14"), CLAIMING))
                .as("a script's own allow list narrows, it does not open").isPresent();
        // A fetch() carries the header that counts calls back into this server: a worker may
        // fetch a host name this server serves.
        assertThat(FETCH.refusal("self.example", literal("93.184.215.14"), CLAIMING)).isEmpty();
    }

    @Test
    void a_fetch_to_an_address_of_this_machine_reaches_its_listeners_and_web_ports_only() {
        Set<Integer> listeners = Set.of(8787, 8788);
        InetAddress own = literal("93.184.215.14");
        for (int port : List.of(80, 443, 8787, 8788)) {
            assertThat(FETCH.refusalAtPort("self.example", own, port, listeners, CLAIMING)).as("port %d", port).isEmpty();
        }
        // whatever else listens on the machine's public address, behind its firewall
        assertThat(FETCH.refusalAtPort("93.184.215.14", own, 9100, listeners, CLAIMING)).contains("93.184.215.14 is an "
                + "address of this server, and port 9100 is none of its web ports (80, 443) or listeners; only the "
                + "platform's egress allow list can open it");
        assertThat(FETCH.refusalAtPort("self.example", own, 9100, listeners, CLAIMING)).hasValueSatisfying(why ->
                assertThat(why).startsWith("self.example resolves to an address of this server, and port 9100")
                        .doesNotContain("93.184.215.14"));
        assertThat(FETCH.refusalAtPort("self.example", literal("2a00:1450:4001:80b::200e"), 6379, listeners, CLAIMING))
                .isPresent();
        assertThat(FETCH.refusalAtPort("self.example", literal("64:ff9b::5db8:d70e"), 6379, listeners, CLAIMING))
                .as("the same IPv4 address carried in IPv6").isPresent();
        assertThat(FETCH.refusalAtPort("other.example", literal("93.184.215.15"), 9100, listeners, CLAIMING))
                .as("another machine's address").isEmpty();

        EgressPolicies opened = new EgressPolicies(new EgressPolicy(List.of("93.184.215.14/32"), List.of()),
                EgressPolicy.OPEN, EgressPolicy.OPEN);
        assertThat(opened.refusalAtPort("self.example", own, 9100, listeners, CLAIMING)).isEmpty();
        EgressPolicies byNamespace = new EgressPolicies(EgressPolicy.OPEN,
                new EgressPolicy(List.of("93.184.215.14/32"), List.of()), EgressPolicy.OPEN);
        assertThat(byNamespace.refusalAtPort("self.example", own, 9100, listeners, CLAIMING))
                .as("a namespace's allow list narrows, it does not open").isPresent();
    }

    @Test
    void the_machine_list_holds_its_interfaces_addresses() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(OwnAddresses.MACHINE.contains(loopback)).isTrue();
        assertThat(SOCKETS.refusal("127.0.0.1", loopback)).map(why -> why.contains("loopback")).isEqualTo(Optional.of(true));
    }
}
