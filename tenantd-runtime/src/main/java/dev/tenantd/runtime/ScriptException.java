package dev.tenantd.runtime;

/**
 * A worker script that cannot be loaded: it does not compile, throws while it is
 * evaluated, imports a module it was not given, or defines no fetch handler. The
 * message is the engine's, with the module name and line number.
 */
public final class ScriptException extends TenantdException {
    public ScriptException(String message) {
        super(message);
    }
}
