package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Which client a connection counts against for {@code max-connections-per-ip}. */
class ConnectionGuardTest {
    static String key(String ip) throws Exception {
        return ConnectionGuard.addressKey(new InetSocketAddress(InetAddress.getByName(ip), 40000));
    }

    @Test
    void an_ipv4_client_is_its_address() throws Exception {
        assertThat(key("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(key("203.0.113.7")).isNotEqualTo(key("203.0.113.8"));
    }

    @Test
    void an_ipv6_client_is_its_slash_64_so_new_addresses_from_one_network_share_a_cap() throws Exception {
        assertThat(key("2001:db8:1:2::1")).isEqualTo(key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertThat(key("2001:db8:1:2::1")).isNotEqualTo(key("2001:db8:1:3::1"));
    }

    @Test
    void an_ipv4_mapped_ipv6_client_counts_as_the_ipv4_address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 203;
        mapped[13] = 0;
        mapped[14] = (byte) 113;
        mapped[15] = 7;
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(ConnectionGuard.addressKey(new InetSocketAddress(v6, 1))).isEqualTo("203.0.113.7");
    }
}
