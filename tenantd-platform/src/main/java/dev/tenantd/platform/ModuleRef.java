package dev.tenantd.platform;

import dev.tenantd.runtime.ModuleType;

/** A module of a stored version: its name, type and the hash of its content in the blob store. */
public record ModuleRef(String name, ModuleType type, String sha256, long size) {
}
