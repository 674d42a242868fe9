package dev.tenantd.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where workers' subrequests may go: allow and block lists of host names
 * ({@code api.example.com}, {@code *.example.com}) and CIDR ranges
 * ({@code 10.0.0.0/8}, {@code ::1/128}). Policies of the platform, a namespace
 * and a script combine: every block list applies, and every non-empty allow
 * list must allow. Loopback, private, link-local and other non-public
 * addresses are refused unless an allow list names them (or their host).
 */
public record EgressPolicy(List<String> allow, List<String> block) {
    public static final EgressPolicy OPEN = new EgressPolicy(List.of(), List.of());

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
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private static Cidr cidr(String rule) {
        String[] parts = rule.split("/", 2);
        try {
            InetAddress network = InetAddress.getByName(parts[0].replace("[", "").replace("]", ""));
            if (!parts[0].matches("[0-9a-f.:\\[\\]]+")) {
                throw new IllegalArgumentException("'" + rule + "' is not a CIDR range (an address/prefix)");
            }
            int bits = Integer.parseInt(parts[1]);
            if (bits < 0 || bits > network.getAddress().length * 8) {
                throw new IllegalArgumentException("'" + rule + "' has an invalid prefix length");
            }
            return new Cidr(network.getAddress(), bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + rule + "' is not a CIDR range (an address/prefix)");
        }
    }

    private static boolean matches(String rule, String host, InetAddress address) {
        if (rule.contains("/")) {
            return address != null && cidr(rule).contains(address);
        }
        String bare = rule.replace("[", "").replace("]", "");
        if (bare.startsWith("*.")) {
            return host.endsWith(bare.substring(1));
        }
        if (host.equals(bare)) {
            return true;
        }
        // An address written as a rule matches that address however the host was named.
        if (address != null && bare.matches("[0-9a-f.:]+") && (bare.contains(".") || bare.contains(":"))) {
            try {
                return InetAddress.getByName(bare).equals(address);
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** A block-list rule naming the host refuses it before any DNS lookup. */
    static Optional<String> refusalByName(List<EgressPolicy> policies, String host) {
        for (EgressPolicy p : policies) {
            for (String rule : p.block) {
                if (!rule.contains("/") && matches(rule, host, null)) {
                    return Optional.of(host + " matches the block-list rule '" + rule + "'");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why a request to {@code host} at {@code address} is refused under all of {@code policies},
     * or empty if it may go.
     */
    static Optional<String> refusal(List<EgressPolicy> policies, String host, InetAddress address, boolean isPublic) {
        boolean explicitlyAllowed = false;
        for (EgressPolicy p : policies) {
            for (String rule : p.block) {
                if (matches(rule, host, address)) {
                    return Optional.of(host + " matches the block-list rule '" + rule + "'");
                }
            }
            if (!p.allow.isEmpty()) {
                if (p.allow.stream().noneMatch(rule -> matches(rule, host, address))) {
                    return Optional.of(host + " is not on the allow list");
                }
                explicitlyAllowed = true;
            }
        }
        if (!isPublic && !explicitlyAllowed) {
            return Optional.of(address.getHostAddress()
                    + " is a loopback, private or link-local address (allow it explicitly to reach it)");
        }
        return Optional.empty();
    }
}
