package dev.tenantd.runtime;

import java.util.ArrayDeque;
import java.util.Deque;

/** Resolves import specifiers against the importing module's name, as paths within the upload. */
final class ModuleNames {
    private ModuleNames() {
    }

    /**
     * Whether a specifier names one of the runtime's modules ({@code cloudflare:sockets},
     * {@code node:buffer}): a scheme before any path separator.
     */
    static boolean isBuiltin(String specifier) {
        int colon = specifier.indexOf(':');
        int slash = specifier.indexOf('/');
        return colon > 0 && (slash < 0 || colon < slash);
    }

    /** Whether a specifier is a bare name ({@code buffer}), neither relative nor absolute nor with a scheme. */
    static boolean isBare(String specifier) {
        return !specifier.isEmpty() && !specifier.startsWith("./") && !specifier.startsWith("../")
                && !specifier.startsWith("/") && !isBuiltin(specifier);
    }

    static String resolve(String referrer, String specifier) {
        String path;
        if (specifier.startsWith("./") || specifier.startsWith("../")) {
            int slash = referrer.lastIndexOf('/');
            path = (slash < 0 ? "" : referrer.substring(0, slash + 1)) + specifier;
        } else if (specifier.startsWith("/")) {
            path = specifier.substring(1);
        } else {
            path = specifier;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }
}
