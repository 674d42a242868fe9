package dev.tenantd.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * Which export of a worker's main module an invocation enters, and what it sees as
 * {@code ctx.props}: a service binding may name both.
 *
 * @param name      a named export of the main module, or empty for the default export
 * @param propsJson {@code ctx.props} as a JSON object
 */
public record Entrypoint(Optional<String> name, String propsJson) {
    /** The default export, with no props. */
    public static final Entrypoint DEFAULT = new Entrypoint(Optional.empty(), "{}");

    public Entrypoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(propsJson, "propsJson");
    }
}
