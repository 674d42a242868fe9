package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A service-worker script is a classic script in sloppy mode, as on workerd, while the
 * runtime's own JavaScript and ES modules stay strict.
 */
class ServiceWorkerGlobalsTest {
    @Test
    void sloppy_assignments_make_globals_at_start_up_and_in_requests() {
        Worker w = load(Engines.serviceWorker("""
                var list = ['a', 'b'];
                var seen = '';
                for (idx in list) seen += list[idx];
                counter = 0;
                addEventListener('fetch', (event) => {
                  (function () { for (k in list) seen += list[k]; })();
                  counter++;
                  event.respondWith(new Response(seen + ' ' + counter + ' ' + typeof globalThis.k + ' ' + idx
                      + ' ' + (function () { return this === globalThis; })()));
                });"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("abab 1 string 1 true");
        assertThat(text(get(w, "http://x/"))).isEqualTo("ababab 2 string 1 true");
    }

    @Test
    void a_sloppy_script_still_cannot_change_what_is_fixed() {
        Worker w = load(Engines.serviceWorker("""
                undefined = 1;
                NaN = 2;
                Event.AT_TARGET = 9;
                DOMException.ABORT_ERR = 0;
                scheduler.wait = null;
                var out = [typeof undefined, String(NaN), Event.AT_TARGET, DOMException.ABORT_ERR,
                  typeof scheduler.wait];
                // The runtime's functions are strict code: their callers are not reachable.
                try { out.push(String(addEventListener.caller)); } catch (e) { out.push(e.name); }
                try { out.push(String(Response.prototype.text.caller)); } catch (e) { out.push(e.name); }
                addEventListener('fetch', (event) => event.respondWith(new Response(out.join(' '))));"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("undefined NaN 2 20 function TypeError TypeError");
    }

    @Test
    void a_script_may_declare_the_names_of_the_engines_own_helpers() {
        // The engine's gc() goes by a name of the runtime's; `gc` is free for the script.
        Worker w = load(Engines.serviceWorker("""
                const gc = 'declared';
                let print = 'also';
                addEventListener('fetch', (event) => event.respondWith(new Response(gc + ' ' + print)));"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("declared also");
    }

    @Test
    void es_modules_stay_strict() {
        Worker w = load(Engines.modules("index.js", List.of(Engines.esm("index.js", """
                export default {
                  fetch() {
                    try {
                      undeclaredName = 1;
                      return new Response('sloppy');
                    } catch (e) {
                      return new Response(e.name);
                    }
                  },
                };""")), List.of()));
        assertThat(text(get(w, "http://x/"))).isEqualTo("ReferenceError");
    }
}
