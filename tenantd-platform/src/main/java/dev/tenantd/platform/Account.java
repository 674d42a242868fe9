package dev.tenantd.platform;

/** A tenant of the platform operator (one by default). */
public record Account(String id, String name, String createdOn) {
}
