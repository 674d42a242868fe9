package dev.tenantd.server;

/**
 * Text a worker chose (an exception's message, a stream's error), as the server's own log
 * shows it: at most {@link #MAX_CHARS} characters. The log is written synchronously, on the
 * event loop that met the text, so a message of megabytes would hold up every connection of
 * that loop; the worker's own logs and its tails keep the whole text.
 */
final class LogText {
    static final int MAX_CHARS = 1_000;

    private LogText() {
    }

    static String clip(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        return text.substring(0, MAX_CHARS) + "... (" + (text.length() - MAX_CHARS) + " more characters)";
    }
}
