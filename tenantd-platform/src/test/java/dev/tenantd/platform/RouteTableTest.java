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

    @Test
    void noRoutesNoMatch() {
        assertThat(scriptFor(List.of(), "example.com", "/")).isEmpty();
    }
}
