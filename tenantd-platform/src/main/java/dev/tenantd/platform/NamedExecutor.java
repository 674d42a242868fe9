package dev.tenantd.platform;

import java.util.Objects;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * One of the platform's bounded executors with the name an operator sees it by in
 * {@code /metrics} ({@code load}, {@code kv}, {@code d1}, {@code cache}). Handed out so that
 * metrics can read its pool and queue sizes; nothing else submits work through it.
 */
public record NamedExecutor(String name, ThreadPoolExecutor executor) {
    public NamedExecutor {
        Objects.requireNonNull(name);
        Objects.requireNonNull(executor);
    }
}
