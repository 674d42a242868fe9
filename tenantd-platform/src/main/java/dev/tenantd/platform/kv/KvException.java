package dev.tenantd.platform.kv;

import dev.tenantd.runtime.TenantdException;
import java.util.Objects;

/** A KV request refused for a {@link KvProblem}; the message says what to fix. */
public final class KvException extends TenantdException {
    private final KvProblem problem;

    public KvException(KvProblem problem, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public KvProblem problem() {
        return problem;
    }
}
