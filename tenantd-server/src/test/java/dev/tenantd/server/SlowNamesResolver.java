package dev.tenantd.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver: the JDK's own for every name, except names under
 * {@code slow.test}, whose lookups hang (as with name servers that never answer) until
 * {@link #release} or 30 s, and then fail. Lets a test hold many lookups open at once.
 */
public final class SlowNamesResolver extends InetAddressResolverProvider {
    static final String SUFFIX = ".slow.test";
    static volatile CountDownLatch release = new CountDownLatch(1);
    static final AtomicInteger waiting = new AtomicInteger();
    static final AtomicInteger ended = new AtomicInteger();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (!host.endsWith(SUFFIX)) {
                    return builtin.lookupByName(host, policy);
                }
                waiting.incrementAndGet();
                try {
                    Await.released(release);
                } finally {
                    waiting.decrementAndGet();
                    ended.incrementAndGet();
                }
                throw new UnknownHostException(host);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "tenantd tests: names under slow.test never answer";
    }
}
