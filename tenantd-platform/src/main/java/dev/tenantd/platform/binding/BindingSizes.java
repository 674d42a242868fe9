package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import java.util.ArrayDeque;
import java.util.List;

/**
 * How much one version's bindings may hold. Every script's serving versions are kept in
 * memory with their bindings as JSON trees, where an empty object of a few bytes of text
 * takes a hundred bytes or more; these bounds keep one version's share small whatever its
 * uploader puts in a binding's fields. They lie far above what a worker's bindings need
 * (Workers allows 128 environment variables of 5 KB each).
 */
public final class BindingSizes {
    /** Bindings of one version. */
    static final int MAX_BINDINGS = 1_000;
    /** JSON values in the fields of all bindings of one version together. */
    static final int MAX_NODES = 20_000;
    /** Characters of the fields of all bindings of one version together, as JSON text. */
    static final int MAX_TEXT_CHARS = 1 << 20;

    private BindingSizes() {
    }

    /** Refuses more bindings than a version may have, before any is looked at. */
    static void checkCount(int count) {
        if (count > MAX_BINDINGS) {
            throw new PlatformException(Problem.INVALID_BINDING, "The worker would have " + count
                    + " bindings; a worker has at most " + MAX_BINDINGS + ".");
        }
    }

    /** Refuses bindings that together hold more than a version may. */
    public static void check(List<BindingSpec> bindings) {
        checkCount(bindings.size());
        long nodes = 0;
        long chars = 0;
        ArrayDeque<JsonNode> pending = new ArrayDeque<>();
        for (BindingSpec b : bindings) {
            pending.push(b.fields());
            while (!pending.isEmpty()) {
                JsonNode node = pending.pop();
                if (++nodes > MAX_NODES) {
                    throw new PlatformException(Problem.INVALID_BINDING, "The worker's bindings hold more than "
                            + MAX_NODES + " JSON values together (binding '" + b.name() + "' passes it); keep large "
                            + "data in KV, D1 or the worker's code.");
                }
                node.forEach(pending::push);
            }
            chars += b.name().length() + b.type().length() + b.fields().toString().length(); // its JSON text
            if (chars > MAX_TEXT_CHARS) {
                throw new PlatformException(Problem.INVALID_BINDING, "The worker's bindings hold more than "
                        + MAX_TEXT_CHARS + " characters of JSON together (binding '" + b.name() + "' passes it); keep "
                        + "large data in KV, D1 or the worker's code.");
            }
        }
    }
}
