package dev.tenantd.platform;

/**
 * A binding as uploaded ({@code metadata.bindings[]}), kept in its wire shape
 * (type, name and the type's fields) so that it round-trips through the API.
 * Secret values are stored encrypted and never returned.
 */
public record BindingSpec(String type, String name, com.fasterxml.jackson.databind.node.ObjectNode fields) {
}
