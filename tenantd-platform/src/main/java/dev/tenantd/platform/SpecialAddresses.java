package dev.tenantd.platform;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses are public: reachable by a worker's subrequest without the operator
 * naming them. The tables follow IANA's IPv4 and IPv6 Special-Purpose Address Registries
 * (every range that is not globally reachable), plus multicast and broadcast, and for
 * IPv6 everything outside global unicast ({@code 2000::/3}).
 *
 * <p>An IPv6 address that carries an IPv4 address the network delivers to — IPv4-mapped
 * ({@code ::ffff:0:0/96}), IPv4-compatible ({@code ::/96}), NAT64 ({@code 64:ff9b::/96})
 * and 6to4 ({@code 2002::/16}) — is judged by that IPv4 address, since that is where its
 * packets end up. Teredo ({@code 2001::/32}) tunnels through a relay to a client the
 * platform cannot see, and the local-use NAT64 prefix ({@code 64:ff9b:1::/48}) places its
 * IPv4 address where the operator's network chooses, so neither is ever public.
 */
final class SpecialAddresses {

    /** A range and what it is, as the registry names it. */
    private record Range(byte[] network, int bits, String cidr, String what) {
        static Range of(String cidr, String what) {
            String[] parts = cidr.split("/", 2);
            byte[] network = NetUtil.createByteArrayFromIpAddressString(parts[0]);
            if (network == null) {
                throw new IllegalArgumentException(cidr);
            }
            return new Range(network, Integer.parseInt(parts[1]), cidr, what);
        }

        boolean contains(byte[] address) {
            return address.length == network.length && prefixMatches(address, network, bits);
        }

        String describe() {
            return what + " (" + cidr + ")";
        }
    }

    private static final List<Range> IPV4 = List.of(
            Range.of("0.0.0.0/8", "this network"),
            Range.of("10.0.0.0/8", "private"),
            Range.of("100.64.0.0/10", "shared address space (CGNAT)"),
            Range.of("127.0.0.0/8", "loopback"),
            Range.of("169.254.0.0/16", "link-local (cloud metadata)"),
            Range.of("172.16.0.0/12", "private"),
            Range.of("192.0.0.0/24", "IETF protocol assignments"),
            Range.of("192.0.2.0/24", "documentation"),
            Range.of("192.88.99.0/24", "6to4 relay anycast"),
            Range.of("192.168.0.0/16", "private"),
            Range.of("198.18.0.0/15", "benchmarking"),
            Range.of("198.51.100.0/24", "documentation"),
            Range.of("203.0.113.0/24", "documentation"),
            Range.of("224.0.0.0/4", "multicast"),
            Range.of("240.0.0.0/4", "reserved (and broadcast)"));

    private static final List<Range> IPV6 = List.of(
            Range.of("::1/128", "loopback"),
            Range.of("::/128", "unspecified"),
            Range.of("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
            Range.of("100::/64", "discard-only"),
            Range.of("2001::/32", "Teredo"),
            Range.of("2001::/23", "IETF protocol assignments"),
            Range.of("2001:db8::/32", "documentation"),
            Range.of("3fff::/20", "documentation"),
            Range.of("5f00::/16", "SRv6 SIDs"),
            Range.of("fc00::/7", "unique-local"),
            Range.of("fe80::/10", "link-local"),
            Range.of("fec0::/10", "site-local"),
            Range.of("ff00::/8", "multicast"));

    private static final Range GLOBAL_UNICAST = Range.of("2000::/3", "global unicast");
    private static final Range IPV4_MAPPED = Range.of("::ffff:0:0/96", "IPv4-mapped");
    private static final Range IPV4_COMPATIBLE = Range.of("::/96", "IPv4-compatible");
    private static final Range NAT64 = Range.of("64:ff9b::/96", "NAT64");
    private static final Range SIX_TO_FOUR = Range.of("2002::/16", "6to4");

    private SpecialAddresses() {
    }

    static boolean isPublic(InetAddress address) {
        return whyNotPublic(address).isEmpty();
    }

    /** Why {@code address} is not public (what kind of range holds it), or empty if it is public. */
    static Optional<String> whyNotPublic(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4(b).map(why -> address.getHostAddress() + " is " + why);
        }
        for (Range r : IPV6) {
            if (r.contains(b)) {
                return Optional.of(address.getHostAddress() + " is " + r.describe());
            }
        }
        Optional<Range> carrier = embedding(b);
        if (carrier.isPresent()) {
            byte[] v4 = embeddedIpv4(carrier.get(), b);
            return ipv4(v4).map(why -> address.getHostAddress() + " is " + carrier.get().describe() + " for "
                    + (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff)
                    + ", which is " + why);
        }
        if (!GLOBAL_UNICAST.contains(b)) {
            return Optional.of(address.getHostAddress() + " is outside " + GLOBAL_UNICAST.describe());
        }
        return Optional.empty();
    }

    private static Optional<String> ipv4(byte[] b) {
        for (Range r : IPV4) {
            if (r.contains(b)) {
                return Optional.of(r.describe());
            }
        }
        return Optional.empty();
    }

    /** The IPv6 range whose addresses carry an IPv4 address, if {@code b} is in one. */
    private static Optional<Range> embedding(byte[] b) {
        for (Range r : List.of(IPV4_MAPPED, IPV4_COMPATIBLE, NAT64, SIX_TO_FOUR)) {
            if (r.contains(b)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address an IPv6 address carries (IPv4-mapped, IPv4-compatible, NAT64, 6to4), which is
     * where its packets end up; empty for any other address.
     */
    static Optional<byte[]> carriedIpv4(byte[] b) {
        if (b.length != 16) {
            return Optional.empty();
        }
        return embedding(b).map(carrier -> embeddedIpv4(carrier, b));
    }

    private static byte[] embeddedIpv4(Range carrier, byte[] b) {
        // 6to4 puts the IPv4 address right after the 2002::/16 prefix; the others end with it.
        int from = carrier == SIX_TO_FOUR ? 2 : 12;
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }

    /** Whether the first {@code bits} bits of {@code address} and {@code network} are equal. */
    static boolean prefixMatches(byte[] address, byte[] network, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }
}
