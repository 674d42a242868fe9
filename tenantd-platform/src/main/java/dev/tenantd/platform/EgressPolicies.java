package dev.tenantd.platform;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The egress policies one worker's subrequests obey, widest first: the operator's
 * ({@code [egress]} in tenantd.toml), the dispatch namespace's and the script's own.
 * A level below the platform can only narrow what the levels above it let through:
 * every block list applies, every non-empty allow list must name the host or address,
 * and a non-public address (see {@link SpecialAddresses}) is reachable only when the
 * platform's allow list names it; for a TCP socket ({@link #forSockets}), so is an address of
 * this machine's own ({@link OwnAddresses}), and for a {@code fetch()} such an address at a port
 * no web server of this machine would serve ({@link #refusalAtPort}). A namespace or script allow
 * list that names such an address restricts the worker to it but does not open it.
 *
 * @param platform  the operator's policy, the only one that can open non-public addresses
 * @param namespace the dispatch namespace's policy ({@link EgressPolicy#OPEN} for plain workers)
 * @param script    the script version's policy from its upload metadata
 * @param ownAddressesClosed whether this machine's own addresses count as non-public: for a
 *                  {@code connect()}, whose bytes carry no header that counts a worker's calls
 *                  back into this server, unlike a {@code fetch()}'s
 */
public record EgressPolicies(EgressPolicy platform, EgressPolicy namespace, EgressPolicy script,
        boolean ownAddressesClosed) {

    public EgressPolicies {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(script, "script");
    }

    /** The policies of a worker's {@code fetch()}. */
    public EgressPolicies(EgressPolicy platform, EgressPolicy namespace, EgressPolicy script) {
        this(platform, namespace, script, false);
    }

    /** The same policies for a TCP socket: this machine's own addresses are closed as well. */
    EgressPolicies forSockets() {
        return new EgressPolicies(platform, namespace, script, true);
    }

    private record Level(String name, EgressPolicy policy) {
    }

    private List<Level> levels() {
        return List.of(new Level("platform", platform), new Level("namespace", namespace), new Level("script", script));
    }

    /**
     * Why {@code host} is refused whatever it resolves to (a block-list rule naming it, or an
     * allow list of names only that does not), checked before any DNS lookup.
     */
    Optional<String> refusalByName(String host) {
        for (Level level : levels()) {
            Optional<String> rule = level.policy().blockingRuleByName(host);
            if (rule.isPresent()) {
                return Optional.of(blockedBy(host, level));
            }
            if (level.policy().refusesWhateverAddress(host)) {
                return Optional.of(host + " is not on the allow list of the " + level.name());
            }
        }
        return Optional.empty();
    }

    /**
     * Why a request to {@code host} is refused when it is answered without a connection
     * (the Cloudflare API host served by this server), or empty if it may go.
     */
    Optional<String> refusal(String host) {
        return listRefusal(host, Optional.empty());
    }

    /** Why a connection to {@code host} at {@code address} is refused, or empty if it may go. */
    Optional<String> refusal(String host, InetAddress address) {
        return refusal(host, address, OwnAddresses.MACHINE);
    }

    /** The same, with {@code own} for the machine's own addresses. */
    Optional<String> refusal(String host, InetAddress address, OwnAddresses own) {
        Optional<String> listed = listRefusal(host, Optional.of(address));
        if (listed.isPresent()) {
            return listed;
        }
        Optional<String> special = SpecialAddresses.whyNotPublic(address)
                .or(() -> ownAddressesClosed && own.contains(address)
                        ? Optional.of(address.getHostAddress() + " is an address of this server") : Optional.empty());
        if (special.isPresent() && !platform.names(host, Optional.of(address))) {
            // The address a name resolved to stays unsaid: a worker could otherwise map the names
            // of the operator's network to its private addresses.
            String why = Egress.isIpLiteral(host) ? special.get()
                    : host + " resolves to an address that is not public or is this server's";
            return Optional.of(why + "; only the platform's egress allow list can open it");
        }
        return Optional.empty();
    }

    /**
     * The ports of this machine a {@code fetch()} reaches at its own addresses without the
     * platform's allow list, besides this server's listeners: those a web server in front of
     * it (a reverse proxy or load balancer) answers on.
     */
    static final Set<Integer> WEB_PORTS = Set.of(80, 443);

    /**
     * Why a {@code fetch()} to {@code address}, which passed {@link #refusal(String, InetAddress)},
     * may not go to {@code port}: the address is this machine's own and the port is neither one
     * of {@code listenerPorts} (this server's) nor a web port. The request would otherwise reach
     * whatever else listens on the machine's public addresses, behind the firewall that keeps
     * those ports from the outside. Empty if it may go.
     */
    Optional<String> refusalAtPort(String host, InetAddress address, int port, Set<Integer> listenerPorts,
            OwnAddresses own) {
        if (WEB_PORTS.contains(port) || listenerPorts.contains(port) || !own.contains(address)
                || platform.names(host, Optional.of(address))) {
            return Optional.empty();
        }
        String what = Egress.isIpLiteral(host) ? address.getHostAddress() + " is an address of this server"
                : host + " resolves to an address of this server";
        return Optional.of(what + ", and port " + port
                + " is none of its web ports (80, 443) or listeners; only the platform's egress allow list can open it");
    }

    private Optional<String> listRefusal(String host, Optional<InetAddress> address) {
        for (Level level : levels()) {
            Optional<String> rule = level.policy().blockingRule(host, address);
            if (rule.isPresent()) {
                return Optional.of(blockedBy(host, level));
            }
            if (!level.policy().allows(host, address)) {
                return Optional.of(host + " is not on the allow list of the " + level.name());
            }
        }
        return Optional.empty();
    }

    /** Names the level, not the rule: the rules are the operator's and the platform's, not the worker's to read. */
    private static String blockedBy(String host, Level level) {
        return host + " matches a block-list rule of the " + level.name();
    }
}
