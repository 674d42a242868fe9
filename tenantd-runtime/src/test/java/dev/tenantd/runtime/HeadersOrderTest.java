package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Headers iterate as the Fetch standard's "sort and combine" says: names in lower case and
 * sorted, the values of a repeated name joined with ", ", each Set-Cookie on its own; and what
 * leaves the isolate is that list. A response of thousands of headers sorts as one of three.
 */
class HeadersOrderTest {
    @Test
    void names_sort_values_combine_and_set_cookies_stay_apart() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const h = new Headers([['X-B', '1'], ['Set-Cookie', 'a=1'], ['x-a', 'first'], ['x-b', '2'],
                    ['set-cookie', 'b=2'], ['X-A', 'second'], ['content-type', 'text/plain']]);
                  return new Response(JSON.stringify([...h]), { headers: h });
                } };"""));
        WorkerResponse r = get(w, "http://x/");
        assertThat(Engines.text(r)).isEqualTo("[[\"content-type\",\"text/plain\"],[\"set-cookie\",\"a=1\"],"
                + "[\"set-cookie\",\"b=2\"],[\"x-a\",\"first, second\"],[\"x-b\",\"1, 2\"]]");
        assertThat(r.headers()).containsExactly("content-type", "text/plain", "set-cookie", "a=1", "set-cookie", "b=2",
                "x-a", "first, second", "x-b", "1, 2");
    }

    @Test
    void thousands_of_headers_leave_sorted_and_combined() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const h = new Headers();
                  for (let i = 11999; i >= 0; i--) h.append('x' + i.toString(36).padStart(3, '0'), String(i % 7));
                  for (let i = 0; i < 3; i++) h.append('set-cookie', 'c' + i);
                  h.append('x000', 'again');
                  return new Response(null, { headers: h });
                } };"""));
        // Within a CPU budget that sorting by a scan of the whole list per name (about 0.7 s here) far exceeds.
        List<String> headers = get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                InvocationLimits.defaults().narrow(250, 0))).headers();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < headers.size(); i += 2) {
            names.add(headers.get(i));
        }
        assertThat(names).hasSize(12_000 + 3).isSorted();
        assertThat(headers.subList(0, 6)).containsExactly("set-cookie", "c0", "set-cookie", "c1", "set-cookie", "c2");
        assertThat(headers.subList(6, 8)).containsExactly("x000", "0, again");
        assertThat(headers.get(headers.size() - 2)).isEqualTo("x" + Integer.toString(11999, 36));
        assertThat(headers.getLast()).isEqualTo(String.valueOf(11999 % 7));
    }
}
