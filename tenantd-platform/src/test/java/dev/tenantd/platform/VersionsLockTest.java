package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The locks that order changes of a script: one per script, and not one more per name a client makes up. */
class VersionsLockTest {
    private final Versions versions = new Versions(null, null, null, null, null);

    @Test
    void a_script_always_gets_the_same_lock() {
        ScriptRef ref = ScriptRef.plain("acct", "shop");
        assertThat(versions.lock(ref)).isSameAs(versions.lock(ScriptRef.plain("acct", "shop")));
    }

    @Test
    void made_up_names_do_not_add_locks() {
        Set<ReentrantLock> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 100_000; i++) {
            distinct.add(versions.lock(ScriptRef.plain("acct", "made-up-" + i)));
        }
        assertThat(distinct).hasSizeLessThanOrEqualTo(Versions.LOCK_STRIPES);
    }
}
