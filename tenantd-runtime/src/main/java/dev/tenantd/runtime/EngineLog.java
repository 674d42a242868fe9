package dev.tenantd.runtime;

import com.caoccao.javet.interfaces.IJavetLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Javet's own messages, sent to SLF4J. Its warnings about callbacks still bound
 * when an isolate closes describe the normal end of an isolate whose host
 * functions live as long as it does, so they are logged at debug level.
 */
final class EngineLog implements IJavetLogger {
    static final EngineLog INSTANCE = new EngineLog();
    private static final Logger LOG = LoggerFactory.getLogger("tenantd.v8");

    @Override
    public void debug(String message) {
        LOG.debug(message);
    }

    @Override
    public void error(String message) {
        LOG.error(message);
    }

    @Override
    public void error(String message, Throwable cause) {
        LOG.error(message, cause);
    }

    @Override
    public void info(String message) {
        LOG.debug(message);
    }

    @Override
    public void warn(String message) {
        if (message.contains("not recycled")) {
            LOG.debug(message);
        } else {
            LOG.warn(message);
        }
    }
}
