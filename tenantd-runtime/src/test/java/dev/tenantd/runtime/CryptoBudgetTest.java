package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A Web Crypto operation on large data holds a few copies of it on the Java heap while it runs:
 * they count against the budget for bodies in flight, so that workers encrypting as much as
 * their isolates may hold, on every JS thread at once, cannot fill the heap every tenant shares.
 */
class CryptoBudgetTest {
    private static final long BUDGET = 4L << 20;
    private static final JsEngine ENGINE = JsEngine.start(EngineOptions.defaults().withJsThreads(1).withPrewarmedIsolates(0)
            .withBufferedBodyBytes(BUDGET));

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    void data_whose_copies_do_not_fit_the_budget_is_refused_and_what_fits_is_given_back() {
        Worker w = get(ENGINE.load(Engines.modules("w.js", List.of(esm("w.js", """
                export default { async fetch(request) {
                  const size = Number(new URL(request.url).searchParams.get('size'));
                  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
                  const iv = new Uint8Array(12);
                  try {
                    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(size).fill(7));
                    const opened = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed));
                    return new Response(`${opened.length} ${opened.every((b) => b === 7)}`);
                  } catch (e) {
                    return new Response(`${e.name}: ${e.message}`);
                  }
                } };""")), List.of()), new Engines.RecordingHost()));
        int fits = 512 * 1024;
        assertThat(text(get(w, "http://x/?size=" + fits))).isEqualTo(fits + " true");
        assertThat(ENGINE.bodies().heldBytes()).as("given back").isZero();
        assertThat(text(get(w, "http://x/?size=" + (2 << 20)))).startsWith("OperationError: Server busy")
                .contains("does not fit in the memory this server sets aside");
        assertThat(ENGINE.bodies().heldBytes()).isZero();
        w.close();
    }
}
