package dev.tenantd.platform.observability;

/**
 * Rewrites an uncaught exception's stack before its record is stored, on the records writer
 * thread (never on a JS thread). The platform maps frames through the version's source maps
 * ({@link dev.tenantd.platform.sourcemap.SourceMappedStacks}); {@link #NONE} keeps stacks as V8
 * gave them. An implementation never throws: a frame it cannot map stays as it is.
 */
@FunctionalInterface
public interface StackMapping {
    StackMapping NONE = (versionId, stack) -> stack;

    /** {@code stack} (V8's format) of an exception thrown by version {@code versionId}, mapped. */
    String map(String versionId, String stack);
}
