package dev.tenantd.runtime.crypto;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * The host side of Web Crypto: one entry point that runs an operation on key material
 * the isolate passes in, and keeps nothing.
 *
 * <p>Key material lives only in the isolate that owns it, held in a private field of its
 * {@code CryptoKey}, and crosses to Java for the length of one call. The alternative, a
 * key table on the Java side with handles in JS, needs handles that cannot be forged or
 * carried to another isolate and a table that is dropped with the isolate; passing the
 * bytes needs neither, and a key cannot outlive or leave its isolate because the Java
 * side never stores one. Re-parsing a PKCS #8 or SPKI key per call costs microseconds,
 * little next to the operation itself.
 *
 * <p>The runtime JavaScript does the Web Crypto checks (algorithm normalization, usages,
 * lengths it can see, JWK members); this side does the cryptography with the JCA and turns
 * every failure into a spec error whose message is written here, never a JCA message.
 */
public final class SubtleHost {
    private SubtleHost() {
    }

    /**
     * Runs {@code operation} (sign, verify, encrypt, decrypt, generate, import, export,
     * deriveBits) for the algorithm named by the {@code alg} parameter.
     *
     * @param params {@code name=value} lines, see {@link Params}
     * @param key    the key's material in its internal form (raw for secret keys, PKCS #8
     *               for private keys, SPKI for public keys), or the key data to import
     * @param data   the message, ciphertext or other main input
     * @param extra1 the signature (verify), IV or counter (AES), label (RSA-OAEP), salt
     *               (PBKDF2, HKDF) or the peer's public key (ECDH, X25519)
     * @param extra2 the additional data (AES-GCM) or info (HKDF)
     */
    public static CryptoResult run(String operation, String params, byte[] key, byte[] data, byte[] extra1, byte[] extra2) {
        Objects.requireNonNull(operation);
        Request request = new Request(operation, Params.parse(Objects.requireNonNull(params)), nonNull(key), nonNull(data),
                nonNull(extra1), nonNull(extra2));
        try {
            String alg = request.params().text("alg");
            return switch (alg) {
                case "HMAC", "PBKDF2", "HKDF" -> SecretOps.run(alg, request);
                case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW" -> AesOps.run(alg, request);
                case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP" -> RsaOps.run(alg, request);
                case "ECDSA", "ECDH" -> EcOps.run(alg, request);
                case "Ed25519", "X25519" -> OkpOps.run(alg, request);
                default -> throw CryptoFailure.notSupported("Unrecognized or unimplemented algorithm " + alg + ".");
            };
        } catch (CryptoFailure f) {
            return new CryptoResult.Failure(f.errorName, f.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            // A JCA failure not foreseen above: its text may describe the key, so it stays here.
            return new CryptoResult.Failure("OperationError", "The operation failed for an operation-specific reason.");
        }
    }

    private static byte[] nonNull(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }

    /** One call's inputs. */
    record Request(String operation, Params params, byte[] key, byte[] data, byte[] extra1, byte[] extra2) {
        CryptoFailure unsupported() {
            return CryptoFailure.notSupported("Unrecognized operation " + operation + " for this algorithm.");
        }
    }

    static CryptoResult bytes(byte[] value) {
        return new CryptoResult.Bytes(value);
    }

    static CryptoResult verdict(boolean valid) {
        return new CryptoResult.Bytes(new byte[] {(byte) (valid ? 1 : 0)});
    }
}
