package dev.tenantd.platform;

/** A dispatch namespace: a set of user workers a dispatch worker can reach by name. */
public record Namespace(String id, String accountId, String name, String createdOn, String modifiedOn,
        boolean trustedWorkers, int scriptCount, EgressPolicy egress) {
}
