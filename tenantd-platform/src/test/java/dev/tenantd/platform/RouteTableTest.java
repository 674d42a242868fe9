package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which route serves a request: the kinds of host and path pattern, and which of several matching routes wins. */
class RouteTableTest {
    private static Optional<String> scriptFor(List<String> routes, String host, String path) {
        List<Route> parsed = routes.stream().map(Route::parse).toList();
        Optional<String> viaTable = new RouteTable<>(parsed, Route::script).match(host, path);
        // The public entry point gives the same answer, and lower-cases the host itself.
        assertThat(Route.match(parsed, host.toUpperCase(java.util.Locale.ROOT), path).map(Route::script))
                .isEqualTo(viaTable);
        return viaTable;
    }

    @Test
    void hostPatternsOfEachKind() {
        List<String> subdomains = List.of("*.example.com/*=sub");
        assertThat(scriptFor(subdomains, "a.example.com", "/")).contains("sub");
        assertThat(scriptFor(subdomains, "a.b.example.com", "/x")).contains("sub");
        assertThat(scriptFor(subdomains, "example.com", "/")).as("the apex too").contains("sub");
        assertThat(scriptFor(subdomains, "badexample.com", "/")).isEmpty();
        assertThat(scriptFor(subdomains, "example.com.evil.test", "/")).isEmpty();

        List<String> suffix = List.of("*example.com/*=suffix");
        assertThat(scriptFor(suffix, "badexample.com", "/")).contains("suffix");
        assertThat(scriptFor(suffix, "example.org", "/")).isEmpty();

        List<String> exact = List.of("api.example.com/*=exact");
        assertThat(scriptFor(exact, "api.example.com", "/v1")).contains("exact");
        assertThat(scriptFor(exact, "x.api.example.com", "/v1")).isEmpty();

        assertThat(scriptFor(List.of("*/*=any"), "anything.test", "/a/b")).contains("any");
        assertThat(scriptFor(List.of("*.Example.COM/*=mixed"), "a.example.com", "/")).as("patterns ignore case")
                .contains("mixed");
    }

    @Test
    void pathPatternsArePrefixesOrExact() {
        List<String> routes = List.of("example.com/api/*=api", "example.com/hook=hook");
        assertThat(scriptFor(routes, "example.com", "/api/users")).contains("api");
        assertThat(scriptFor(routes, "example.com", "/api/")).contains("api");
        assertThat(scriptFor(routes, "example.com", "/apis")).isEmpty();
        assertThat(scriptFor(routes, "example.com", "/hook")).contains("hook");
        assertThat(scriptFor(routes, "example.com", "/hook/more")).isEmpty();
    }

    @Test
    void theMostSpecificMatchingRouteWinsWhateverTheOrder() {
        List<String> routes = List.of("*/*=fallback", "*.example.com/*=wild", "*.shop.example.com/*=shop",
                "www.example.com/*=www", "www.example.com/admin/*=admin");
        for (List<String> order : List.of(routes, routes.reversed())) {
            assertThat(scriptFor(order, "www.example.com", "/admin/x")).as("longer path").contains("admin");
            assertThat(scriptFor(order, "www.example.com", "/")).as("exact host over wildcards").contains("www");
            assertThat(scriptFor(order, "a.shop.example.com", "/")).as("longer host pattern").contains("shop");
            assertThat(scriptFor(order, "a.example.com", "/")).contains("wild");
            assertThat(scriptFor(order, "other.test", "/")).contains("fallback");
        }
    }

    @Test
    void ofEquallySpecificRoutesTheFirstListedWins() {
        assertThat(scriptFor(List.of("*.a.test/*=first", "*.b.test/*=other", "*.a.test/*=second"), "x.a.test", "/"))
                .contains("first");
        assertThat(scriptFor(List.of("*.a.test/*=second", "*.a.test/*=first"), "x.a.test", "/")).contains("second");
    }

    /**
     * The rule written plainly, as a reference: every matching route, the highest specificity
     * (exact hosts first, then the host pattern's length, then the path's without its star), the
     * first listed of equals.
     */
    private static Optional<String> reference(List<String> routes, String host, String path) {
        String best = null;
        long bestRank = -1;
        for (String text : routes) {
            Route r = Route.parse(text);
            String h = r.pattern().substring(0, r.pattern().indexOf('/')).toLowerCase(java.util.Locale.ROOT);
            String p = r.pattern().substring(r.pattern().indexOf('/'));
            boolean hostOk = h.equals("*") || (h.startsWith("*.") ? host.endsWith(h.substring(1)) || host.equals(h.substring(2))
                    : h.startsWith("*") ? host.endsWith(h.substring(1)) : host.equals(h));
            boolean pathOk = p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p);
            long rank = (h.contains("*") ? 0 : 1_000_000L) + h.length() * 1_000L + p.replace("*", "").length();
            if (hostOk && pathOk && rank > bestRank) {
                best = r.script();
                bestRank = rank;
            }
        }
        return Optional.ofNullable(best);
    }

    @Test
    void agreesWithTheRuleForEveryCombination() {
        List<String> patterns = List.of("*/*", "*/api/*", "*.example.com/*", "*.example.com/api/*", "*example.com/*",
                "example.com/*", "example.com/api", "www.example.com/*", "*.www.example.com/*", "*.com/*", "*m/*");
        List<String> hosts = List.of("example.com", "www.example.com", "a.www.example.com", "badexample.com",
                "other.org", "x.com", "com");
        List<String> paths = List.of("/", "/api", "/api/", "/api/x", "/apix");
        java.util.Random random = new java.util.Random(12);
        for (int round = 0; round < 300; round++) {
            java.util.List<String> routes = new java.util.ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                routes.add(patterns.get(random.nextInt(patterns.size())) + "=s" + i);
            }
            for (String host : hosts) {
                for (String path : paths) {
                    assertThat(scriptFor(routes, host, path)).as(routes + " " + host + path)
                            .isEqualTo(reference(routes, host, path));
                }
            }
        }
    }

    @Test
    void noRoutesNoMatch() {
        assertThat(scriptFor(List.of(), "example.com", "/")).isEmpty();
    }
}
