package dev.tenantd.server;

import dev.tenantd.platform.ServerLogText;

/**
 * Text a worker chose (an exception's message, a stream's error), as the server's own log
 * shows it: at most {@link #MAX_CHARS} characters, escaped to one line ({@link ServerLogText}).
 * The log is written synchronously, on the event loop that met the text, so a message of
 * megabytes would hold up every connection of that loop; the worker's own logs and its tails
 * keep the whole text.
 */
final class LogText {
    static final int MAX_CHARS = 1_000;

    private LogText() {
    }

    static String clip(String text) {
        return ServerLogText.oneLine(text, MAX_CHARS);
    }
}
