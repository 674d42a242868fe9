package dev.tenantd.platform.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.binding.BindingScope;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checking a kv_namespace binding at upload time: a busy KV is a retryable refusal, not an internal error. */
class KvBindingKindTest {
    @Test
    void a_binding_checked_while_kv_is_too_busy_to_look_is_refused_as_overloaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        // A store whose lookups wait: one KV thread and its whole queue fill up with them.
        KvStore slow = (KvStore) Proxy.newProxyInstance(KvStore.class.getClassLoader(), new Class<?>[] {KvStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("namespace")) {
                        entered.countDown();
                        release.await(30, TimeUnit.SECONDS);
                        return Optional.of(new KvNamespace("ns", "acct", "title"));
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "slow store";
                    }
                    return null;
                });
        KvService kv = KvService.create(slow, Clock.systemUTC(), 1);
        List<CompletableFuture<KvNamespace>> waiting = new ArrayList<>();
        try {
            // The thread takes the first lookup and waits in it; only then is the queue filled, so
            // that no lookup leaves the queue while the test looks at it.
            waiting.add(kv.namespace("acct", "ns"));
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; ; i++) {
                CompletableFuture<KvNamespace> lookup = kv.namespace("acct", "ns");
                if (lookup.isCompletedExceptionally()) {
                    break; // the queue is full
                }
                waiting.add(lookup);
                assertThat(i).as("lookups queued before KV refused one").isLessThan(10_000);
            }
            KvBindingKind kind = new KvBindingKind(kv);
            assertThatThrownBy(() -> kind.prepare("CACHE", new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode().put("namespace_id", "ns"), new BindingScope("acct", ScriptRef.plain("acct", "w"))))
                    .isInstanceOfSatisfying(PlatformException.class, e -> assertThat(e.problem()).isEqualTo(Problem.OVERLOADED))
                    .hasMessageContaining("Binding 'CACHE' could not be checked now");
        } finally {
            release.countDown();
        }
        for (CompletableFuture<KvNamespace> lookup : waiting) {
            assertThat(lookup.get(30, TimeUnit.SECONDS).id()).isEqualTo("ns");
        }
    }
}
