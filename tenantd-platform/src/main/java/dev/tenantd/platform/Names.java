package dev.tenantd.platform;

import java.util.regex.Pattern;

/** Validation of names that appear in URLs and hostnames. */
public final class Names {
    private static final Pattern SCRIPT = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,62})");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})");

    private Names() {
    }

    /** Whether {@code name} is one a script can have. */
    public static boolean isScript(String name) {
        return name != null && SCRIPT.matcher(name).matches();
    }

    public static String script(String name) {
        if (name == null || !SCRIPT.matcher(name).matches()) {
            throw new PlatformException(Problem.INVALID_NAME, "Invalid script name '" + name
                    + "': use 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        }
        return name;
    }

    /** The longest module name an upload may use. */
    public static final int MODULE_NAME_MAX = 256;

    /**
     * A module name is a relative path inside the upload ({@code main.js},
     * {@code lib/util.js}): modules import each other by these paths, the content
     * endpoint writes them into multipart headers, and a name that leaves the upload
     * or breaks such a header must never be stored.
     */
    public static String module(String name) {
        moduleNameProblem(name).ifPresent(why -> {
            throw new PlatformException(Problem.INVALID_NAME, "Module name '" + name + "' is not allowed: " + why
                    + ". Name modules by relative paths inside the upload, like 'main.js' or 'lib/util.js'.");
        });
        return name;
    }

    private static java.util.Optional<String> moduleNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return java.util.Optional.of("it is empty");
        }
        if (name.length() > MODULE_NAME_MAX) {
            return java.util.Optional.of("it is longer than " + MODULE_NAME_MAX + " characters");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
            return java.util.Optional.of("it contains a control character, a double quote or a backslash");
        }
        if (name.startsWith("/")) {
            return java.util.Optional.of("it starts with '/'");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return java.util.Optional.of("it has an empty, '.' or '..' path segment");
            }
        }
        return java.util.Optional.empty();
    }

    public static String namespace(String name) {
        if (name == null || !NAMESPACE.matcher(name).matches()) {
            throw new PlatformException(Problem.INVALID_NAME, "Invalid dispatch namespace name '" + name
                    + "': use 1 to 63 letters, digits, '-' or '_', starting with a letter or digit.");
        }
        return name;
    }
}
