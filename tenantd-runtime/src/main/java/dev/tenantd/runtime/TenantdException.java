package dev.tenantd.runtime;

/** Root of every unchecked exception tenantd throws; each module subclasses it. */
public class TenantdException extends RuntimeException {
    public TenantdException(String message) {
        super(message);
    }

    public TenantdException(String message, Throwable cause) {
        super(message, cause);
    }
}
