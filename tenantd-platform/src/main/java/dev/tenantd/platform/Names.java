package dev.tenantd.platform;

import java.util.regex.Pattern;

/** Validation of names that appear in URLs and hostnames. */
public final class Names {
    private static final Pattern SCRIPT = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,62})");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})");

    private Names() {
    }

    public static String script(String name) {
        if (name == null || !SCRIPT.matcher(name).matches()) {
            throw new PlatformException(Problem.INVALID_NAME, "Invalid script name '" + name
                    + "': use 1 to 63 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        }
        return name;
    }

    public static String namespace(String name) {
        if (name == null || !NAMESPACE.matcher(name).matches()) {
            throw new PlatformException(Problem.INVALID_NAME, "Invalid dispatch namespace name '" + name
                    + "': use 1 to 63 letters, digits, '-' or '_', starting with a letter or digit.");
        }
        return name;
    }
}
