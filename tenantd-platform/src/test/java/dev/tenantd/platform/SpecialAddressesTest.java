package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classifier alone, over address lists: nothing here opens a connection (every
 * address is a literal, parsed without DNS).
 */
class SpecialAddressesTest {

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // IPv4 special-purpose registry
            "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255", "127.0.0.1",
            "127.255.255.254", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.1", "192.0.0.170",
            "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
            "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
            // IPv6 special-purpose registry and what is not global unicast
            "::1", "::", "100::1", "2001:2::1", "2001:10::1", "2001:db8::1", "3fff::1", "5f00::1", "fc00::1", "fd00::1",
            "fe80::1", "febf:ffff::1", "fec0::1", "ff02::1", "ff05::1:3", "4000::1", "1::1",
            // IPv4-compatible: judged by the embedded IPv4 address
            "::127.0.0.1", "::7f00:1", "::10.0.0.1", "::169.254.169.254", "::192.168.0.1",
            // IPv4-mapped (Java gives these as IPv4 addresses; the classifier must agree either way)
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
            // NAT64 well-known prefix, and the local-use prefix
            "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::10.0.0.1", "64:ff9b::c0a8:101", "64:ff9b:1::808:808",
            "64:ff9b:1:abcd::1",
            // 6to4: the IPv4 address after 2002::/16 decides
            "2002:7f00:1::1", "2002:a00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101:1::1", "2002:ac10::1",
            // Teredo: never public, whatever the server and client addresses
            "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:808:808:0:0:f7f7:f7f7", "2001::1"})
    void special_purpose_addresses_are_not_public(String address) {
        assertThat(SpecialAddresses.isPublic(literal(address))).as(address).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.0.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.1", "223.255.255.255",
            "2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1", "2001:200::1", "2620:4f:8000::1",
            "64:ff9b::808:808", "64:ff9b::1.1.1.1", "2002:808:808::1", "::ffff:8.8.8.8", "::8.8.8.8"})
    void public_unicast_addresses_are_public(String address) {
        assertThat(SpecialAddresses.whyNotPublic(literal(address))).as(address).isEmpty();
    }

    @Test
    void the_reason_names_the_embedded_ipv4_address_and_its_range() {
        assertThat(SpecialAddresses.whyNotPublic(literal("64:ff9b::a9fe:a9fe")).orElseThrow())
                .contains("NAT64").contains("169.254.169.254").contains("link-local").contains("169.254.0.0/16");
        assertThat(SpecialAddresses.whyNotPublic(literal("::127.0.0.1")).orElseThrow())
                .contains("IPv4-compatible").contains("127.0.0.1").contains("loopback");
        assertThat(SpecialAddresses.whyNotPublic(literal("2002:a00:1::")).orElseThrow())
                .contains("6to4").contains("10.0.0.1").contains("private");
        assertThat(SpecialAddresses.whyNotPublic(literal("2001::1")).orElseThrow()).contains("Teredo");
        assertThat(SpecialAddresses.whyNotPublic(literal("fe80::1")).orElseThrow()).contains("link-local");
    }
}
