package dev.tenantd.runtime.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC signatures and the two key derivations built on HMAC, PBKDF2 (RFC 8018) and HKDF
 * (RFC 5869). The derivations are written over {@link Mac} rather than taken from the JCA
 * because its PBKDF2 takes the password as characters, not the arbitrary bytes Web Crypto
 * allows, and it has no HKDF before JDK 24's preview API.
 */
final class SecretOps {
    /** The most PBKDF2 iterations one derivation may ask for, as in Cloudflare Workers. */
    static final int MAX_PBKDF2_ITERATIONS = 100_000;

    private SecretOps() {
    }

    static CryptoResult run(String alg, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        Params params = request.params();
        return switch (alg + "/" + request.operation()) {
            case "HMAC/sign" -> SubtleHost.bytes(hmac(params.hash(), request.key()).doFinal(request.data()));
            case "HMAC/verify" -> SubtleHost.verdict(MessageDigest.isEqual(
                    hmac(params.hash(), request.key()).doFinal(request.data()), request.extra1()));
            case "PBKDF2/deriveBits" -> SubtleHost.bytes(pbkdf2(params.hash(), request.key(), request.extra1(),
                    params.integer("iterations"), params.integer("length") / 8));
            case "HKDF/deriveBits" -> SubtleHost.bytes(hkdf(params.hash(), request.key(), request.extra1(),
                    request.extra2(), params.integer("length") / 8));
            default -> throw request.unsupported();
        };
    }

    /**
     * An HMAC over {@code key}. HMAC pads a key with zero bytes to the block size, so an
     * empty key is the same key as a single zero byte, which the JCA (refusing empty keys)
     * accepts.
     */
    static Mac hmac(String hash, byte[] key) throws GeneralSecurityException {
        String name = "Hmac" + hash.replace("-", "");
        Mac mac = Mac.getInstance(name);
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
        return mac;
    }

    static byte[] pbkdf2(String hash, byte[] password, byte[] salt, int iterations, int length)
            throws CryptoFailure, GeneralSecurityException {
        if (iterations < 1) {
            throw CryptoFailure.operation("PBKDF2 requires iterations to be greater than 0.");
        }
        // The work runs on the isolate's thread in Java, where the CPU limit cannot stop it,
        // so it is bounded up front, at the limits Cloudflare Workers apply.
        if (iterations > MAX_PBKDF2_ITERATIONS) {
            throw CryptoFailure.notSupported("Pbkdf2 failed: iteration counts above " + MAX_PBKDF2_ITERATIONS
                    + " are not supported (requested " + iterations + ").");
        }
        Mac mac = hmac(hash, password);
        int hashLength = mac.getMacLength();
        if (length > 255 * hashLength) {
            throw CryptoFailure.operation("Pbkdf2 failed: derived key length exceeds maximum for this hash.");
        }
        byte[] out = new byte[length];
        for (int block = 1, done = 0; done < length; block++) {
            mac.update(salt);
            mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
            byte[] u = mac.doFinal();
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < hashLength; j++) {
                    t[j] ^= u[j];
                }
            }
            int take = Math.min(hashLength, length - done);
            System.arraycopy(t, 0, out, done, take);
            done += take;
        }
        return out;
    }

    static byte[] hkdf(String hash, byte[] ikm, byte[] salt, byte[] info, int length)
            throws CryptoFailure, GeneralSecurityException {
        // An empty salt is a string of HashLen zeros (RFC 5869, 2.2): the same HMAC key.
        byte[] prk = hmac(hash, salt).doFinal(ikm);
        Mac mac = hmac(hash, prk);
        if (length > 255 * mac.getMacLength()) {
            throw CryptoFailure.operation("HKDF cannot derive more than 255 times the hash length.");
        }
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int block = 1, done = 0; done < length; block++) {
            mac.update(t);
            mac.update(info);
            t = mac.doFinal(new byte[] {(byte) block});
            int take = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, take);
            done += take;
        }
        return out;
    }
}
