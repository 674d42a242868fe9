package dev.tenantd.platform.observability;

import java.util.List;
import java.util.Objects;

/** What is known of an invocation when it starts: whose it is, for which request, and what it was asked. */
public record InvocationSubject(String requestId, String accountId, String namespace, String script, String versionId,
        List<String> tags, String method, String host, String path) {
    public InvocationSubject {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        tags = List.copyOf(tags);
    }
}
