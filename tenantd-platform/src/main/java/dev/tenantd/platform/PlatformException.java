package dev.tenantd.platform;

import dev.tenantd.runtime.TenantdException;
import java.util.Objects;

/** A request the platform refuses; the {@link Problem} decides the API status and code. */
public final class PlatformException extends TenantdException {
    private final Problem problem;

    public PlatformException(Problem problem, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem);
    }

    public Problem problem() {
        return problem;
    }
}
