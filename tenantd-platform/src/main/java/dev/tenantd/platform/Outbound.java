package dev.tenantd.platform;

/**
 * The outbound worker of one dispatched invocation: every {@code fetch()} the user
 * worker makes goes to this plain worker instead of the network, with the
 * declared parameters' values from {@code get(..., {outbound: {...}})} as env.
 */
public record Outbound(String accountId, String service, String paramsJson) {
}
