package dev.tenantd.runtime.crypto;

/** What one Web Crypto operation gives back to the isolate: bytes, text, or a spec error. */
public sealed interface CryptoResult {
    /** Output bytes: a signature, a ciphertext, derived bits, an exported key. */
    record Bytes(byte[] value) implements CryptoResult {
    }

    /** {@code name=value} lines: the parts of an imported, generated or JWK-exported key. */
    record Text(String value) implements CryptoResult {
    }

    /** The DOMException (or TypeError) the operation rejects with; the message never holds key bytes. */
    record Failure(String name, String message) implements CryptoResult {
    }
}
