package dev.tenantd.platform;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A server's routes, compiled once and ordered by precedence, each with what it leads to: the
 * first route that matches a request is the most specific one (exact hosts beat wildcards,
 * longer host patterns beat shorter, then longer paths; of equally specific routes, the one
 * listed first). Finding it allocates nothing.
 */
final class RouteTable<T> {
    private final Route.Matcher[] matchers;
    private final List<Optional<T>> targets;

    RouteTable(List<Route> routes, Function<Route, T> target) {
        // A stable sort: equally specific routes keep the order they were given in.
        List<Route.Matcher> ordered = routes.stream().map(Route::matcher)
                .sorted(Comparator.comparingLong((Route.Matcher m) -> m.specificity).reversed()).toList();
        matchers = ordered.toArray(Route.Matcher[]::new);
        targets = ordered.stream().map(m -> Optional.of(target.apply(m.route))).toList();
    }

    /** What the route for a request to {@code lowerHost} (lower case, without a port) and {@code path} leads to, if any. */
    Optional<T> match(String lowerHost, String path) {
        for (int i = 0; i < matchers.length; i++) {
            if (matchers[i].matches(lowerHost, path)) {
                return targets.get(i);
            }
        }
        return Optional.empty();
    }
}
