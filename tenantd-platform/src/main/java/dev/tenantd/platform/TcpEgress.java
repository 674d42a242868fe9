package dev.tenantd.platform;

import dev.tenantd.runtime.HostSocket;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import dev.tenantd.runtime.SocketRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Every TCP connection a worker opens with {@code connect()} leaves through here, under the
 * same egress policies as {@code fetch()}: the name and each of its addresses are checked,
 * and the connection goes to the checked address. TLS peers are verified against the JDK's
 * trust store (and an operator's extra trust, if given) for the host name the worker named.
 * A socket counts against its worker's and the process's {@link SocketShares} from the
 * moment it is asked for until its connection has closed.
 */
final class TcpEgress implements AutoCloseable {
    /** Ports no worker may connect to, as on Workers: SMTP, a spam vector. */
    private static final Set<Integer> BLOCKED_PORTS = Set.of(25);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final NetClient client;
    private final NameLookups lookups;
    private final boolean ownsLookups;
    private final ClientSSLOptions tls;
    private final SocketShares shares;

    /** With lookups of its own, closed with it. */
    TcpEgress(Vertx vertx, Optional<TrustOptions> extraTrust) {
        this(vertx, extraTrust, new NameLookups(vertx), true, new SocketShares());
    }

    /** With lookups of its own and {@code shares} of sockets. */
    TcpEgress(Vertx vertx, Optional<TrustOptions> extraTrust, SocketShares shares) {
        this(vertx, extraTrust, new NameLookups(vertx), true, shares);
    }

    TcpEgress(Vertx vertx, Optional<TrustOptions> extraTrust, NameLookups lookups) {
        this(vertx, extraTrust, lookups, false, new SocketShares());
    }

    private TcpEgress(Vertx vertx, Optional<TrustOptions> extraTrust, NameLookups lookups, boolean ownsLookups,
            SocketShares shares) {
        this.vertx = vertx;
        this.lookups = lookups;
        this.ownsLookups = ownsLookups;
        this.shares = shares;
        // This machine's addresses are first listed now, at start, not on an event loop at the first connect().
        OwnAddresses.MACHINE.contains(java.net.InetAddress.getLoopbackAddress());
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS));
        ClientSSLOptions options = new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS");
        extraTrust.ifPresent(options::setTrustOptions);
        this.tls = options;
    }

    /** A connection whose caller names no requester: it counts as a requester of its own. */
    CompletableFuture<HostSocket> connect(SocketRequest request, EgressPolicies policies) {
        return connect(request, policies, new Object());
    }

    /** A connection for {@code requester} (a worker), whose name lookups wait for its own, not for other workers'. */
    CompletableFuture<HostSocket> connect(SocketRequest request, EgressPolicies policies, Object requester) {
        String host = request.hostname();
        String what = "connect() to " + host + ":" + request.port();
        if (BLOCKED_PORTS.contains(request.port())) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error",
                    what + " was refused: connections to port " + request.port() + " are not allowed."));
        }
        Optional<String> full = shares.take(requester);
        if (full.isPresent()) {
            return CompletableFuture.failedFuture(new InvocationException(Outcome.EXCEPTION, "Error", full.get()));
        }
        CompletableFuture<HostSocket> result = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> opened(request, policies, what, requester).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(new VertxHostSocket(ar.result(), host + ":" + request.port(),
                        Egress.unbracketed(host), tls, () -> shares.release(requester)));
            } else {
                shares.release(requester);
                result.completeExceptionally(ar.cause() instanceof InvocationException refused ? refused
                        : new InvocationException(Outcome.EXCEPTION, "Error",
                                "proxy request failed, cannot connect to the specified address ("
                                        + describe(ar.cause()) + ")"));
            }
        }));
        return result;
    }

    /** The connection, once its name is resolved and checked; on the event loop. */
    private Future<NetSocket> opened(SocketRequest request, EgressPolicies policies, String what, Object requester) {
        String host = request.hostname();
        try {
            return lookups.resolve(host, policies.forSockets(), what, requester, () -> false)
                    .compose(address -> {
                        String name = Egress.unbracketed(host);
                        boolean tlsNow = request.secureTransport() == SocketRequest.SecureTransport.ON;
                        ConnectOptions options = new ConnectOptions()
                                .setRemoteAddress(SocketAddress.inetSocketAddress(
                                        new InetSocketAddress(named(name, address), request.port())))
                                .setTimeout(CONNECT_TIMEOUT_MS)
                                .setSsl(tlsNow);
                        if (tlsNow) {
                            options.setSslOptions(tls);
                            if (!Egress.isIpLiteral(name)) {
                                options.setSniServerName(name);
                            }
                        }
                        return client.connect(options);
                    });
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** The checked address carrying the worker's host name, so that TLS verifies that name and nothing resolves it again. */
    private static InetAddress named(String name, InetAddress address) {
        try {
            return InetAddress.getByAddress(name, address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of a resolved name has an invalid length", e);
        }
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        client.close();
        if (ownsLookups) {
            lookups.close();
        }
    }
}
