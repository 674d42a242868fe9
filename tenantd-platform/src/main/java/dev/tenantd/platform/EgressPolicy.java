package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where workers' subrequests may go: allow and block lists of host names
 * ({@code api.example.com}, {@code *.example.com}) and CIDR ranges
 * ({@code 10.0.0.0/8}, {@code ::1/128}). How the policies of the platform, a
 * namespace and a script combine is {@link EgressPolicies}'s job.
 */
public record EgressPolicy(List<String> allow, List<String> block) {
    public static final EgressPolicy OPEN = new EgressPolicy(List.of(), List.of());
    /**
     * Lets nothing through: every host name is refused before it is looked up (the allow list
     * names one no request can reach: {@code .invalid} is never a real name, RFC 6761), every
     * address by its block list.
     */
    static final EgressPolicy NOWHERE = new EgressPolicy(List.of("nowhere.invalid"), List.of("0.0.0.0/0", "::/0"));
    /**
     * Rules in one list of a policy given through the API: every subrequest and connection is
     * checked against them, on the thread that makes it.
     */
    public static final int MAX_RULES = 1_000;
    /** Characters in one such rule: a host name is at most 253, an IPv6 range under 50. */
    public static final int MAX_RULE_CHARS = 256;

    public EgressPolicy {
        allow = List.copyOf(allow);
        block = List.copyOf(block);
        for (String rule : allow) {
            validate(rule);
        }
        for (String rule : block) {
            validate(rule);
        }
    }

    /**
     * Parses a policy given through the API, which has at most {@link #MAX_RULES} rules a list and
     * {@link #MAX_RULE_CHARS} characters a rule (the operator's own and those stored before are
     * read with {@link #fromJson}); throws with a message naming what to fix.
     */
    public static EgressPolicy fromApiJson(JsonNode node, String where) {
        if (node != null && node.isObject()) {
            for (String list : List.of("allow", "block")) {
                JsonNode rules = node.get(list);
                if (rules == null || !rules.isArray()) {
                    continue;
                }
                if (rules.size() > MAX_RULES) {
                    throw new PlatformException(Problem.INVALID_REQUEST, where + "." + list + " has " + rules.size()
                            + " rules; a list has at most " + MAX_RULES + " (use wider CIDR ranges or *.suffix names)");
                }
                for (JsonNode rule : rules) {
                    if (rule.isTextual() && rule.asText().length() > MAX_RULE_CHARS) {
                        throw new PlatformException(Problem.INVALID_REQUEST, where + "." + list + " has a rule of "
                                + rule.asText().length() + " characters; a rule has at most " + MAX_RULE_CHARS);
                    }
                }
            }
        }
        return fromJson(node, where);
    }

    /** Parses {@code {"allow": [...], "block": [...]}}; throws with a message naming the bad rule. */
    public static EgressPolicy fromJson(JsonNode node, String where) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return OPEN;
        }
        if (!node.isObject()) {
            throw new PlatformException(Problem.INVALID_REQUEST, where + " must be an object {\"allow\": [...], \"block\": [...]}");
        }
        try {
            return new EgressPolicy(strings(node.get("allow"), where + ".allow"), strings(node.get("block"), where + ".block"));
        } catch (IllegalArgumentException e) {
            throw new PlatformException(Problem.INVALID_REQUEST, where + ": " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode node, String where) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + " must be an array of host names and CIDR ranges");
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException(where + " must contain strings");
            }
            out.add(item.asText().strip().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode a = o.putArray("allow");
        allow.forEach(a::add);
        ArrayNode b = o.putArray("block");
        block.forEach(b::add);
        return o;
    }

    public boolean isOpen() {
        return allow.isEmpty() && block.isEmpty();
    }

    private static void validate(String rule) {
        if (rule.isEmpty()) {
            throw new IllegalArgumentException("an empty rule");
        }
        if (rule.contains("/")) {
            cidr(rule);
        } else if (!rule.matches("(\\*\\.)?[a-z0-9.:\\[\\]_-]+")) {
            throw new IllegalArgumentException("'" + rule + "' is neither a host name (optionally *.suffix) nor a CIDR range");
        }
    }

    private record Cidr(byte[] network, int bits) {
        /** An IPv4 range also holds the IPv6 addresses that carry one of its addresses (NAT64, 6to4, ...). */
        boolean contains(InetAddress address) {
            byte[] a = viewed(address.getAddress(), network.length);
            return a.length == network.length && SpecialAddresses.prefixMatches(a, network, bits);
        }
    }

    /** {@code a} as an IPv4 address if the rule is one and {@code a} carries one, else as it is. */
    private static byte[] viewed(byte[] a, int ruleLength) {
        return ruleLength == 4 && a.length == 16 ? SpecialAddresses.carriedIpv4(a).orElse(a) : a;
    }

    private static Cidr cidr(String rule) {
        String[] parts = rule.split("/", 2);
        // Only literals: a rule never makes the platform look a name up.
        byte[] network = parts[0].matches("[0-9a-f.:\\[\\]]+")
                ? NetUtil.createByteArrayFromIpAddressString(parts[0].replace("[", "").replace("]", "")) : null;
        if (network == null) {
            throw new IllegalArgumentException("'" + rule + "' is not a CIDR range (an address/prefix)");
        }
        if (network.length == 16 && isMapped(network)) {
            // ::ffff:a.b.c.d/N names IPv4 addresses, which is how they are seen at connection time.
            network = java.util.Arrays.copyOfRange(network, 12, 16);
        }
        try {
            int bits = Integer.parseInt(parts[1]);
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("'" + rule + "' has an invalid prefix length");
            }
            return new Cidr(network, bits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + rule + "' is not a CIDR range (an address/prefix)");
        }
    }

    private static boolean isMapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return (address[10] & 0xff) == 0xff && (address[11] & 0xff) == 0xff;
    }

    private static boolean matches(String rule, String spelled, Optional<InetAddress> address) {
        String host = canonicalName(spelled);
        if (rule.contains("/")) {
            return address.isPresent() && cidr(rule).contains(address.get());
        }
        String bare = rule.replace("[", "").replace("]", "");
        if (bare.startsWith("*.")) {
            return host.endsWith(bare.substring(1));
        }
        if (host.equals(bare)) {
            return true;
        }
        // An address written as a rule matches that address however the host was named.
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(bare);
        if (address.isPresent() && literal != null) {
            try {
                return InetAddress.getByAddress(literal).equals(address.get())
                        || java.util.Arrays.equals(viewed(address.get().getAddress(), literal.length), literal);
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * {@code host} as rules spell names: DNS ignores letter case and the root's trailing dot,
     * so {@code EVIL.example.} reaches the same place as {@code evil.example} and meets its rules.
     */
    private static String canonicalName(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** The first block-list rule naming {@code host} (by name, before any lookup), if any. */
    Optional<String> blockingRuleByName(String host) {
        return block.stream().filter(rule -> !rule.contains("/") && matches(rule, host, Optional.empty())).findFirst();
    }

    /** The first block-list rule matching {@code host} or {@code address}, if any. */
    Optional<String> blockingRule(String host, Optional<InetAddress> address) {
        return block.stream().filter(rule -> matches(rule, host, address)).findFirst();
    }

    /**
     * True when the allow list refuses {@code host} whatever addresses it has: the list is not
     * empty, names no address or range, and no rule names the host. Such a host is refused
     * before it is looked up, so a worker's lookups of names no rule lets through tell it
     * nothing and carry nothing out.
     */
    boolean refusesWhateverAddress(String host) {
        if (allow.isEmpty()) {
            return false;
        }
        for (String rule : allow) {
            String bare = rule.replace("[", "").replace("]", "");
            if (rule.contains("/") || NetUtil.createByteArrayFromIpAddressString(bare) != null
                    || matches(rule, host, Optional.empty())) {
                return false;
            }
        }
        return true;
    }

    /** True when the allow list is empty (no opinion) or one of its rules matches. */
    boolean allows(String host, Optional<InetAddress> address) {
        return allow.isEmpty() || names(host, address);
    }

    /** True when one of the allow list's rules matches: the host or address is named explicitly. */
    boolean names(String host, Optional<InetAddress> address) {
        return allow.stream().anyMatch(rule -> matches(rule, host, address));
    }
}
