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
    /**
     * The most HMACs one PBKDF2 derivation may take, iterations times output blocks (a quarter
     * to half a second of a thread): ten blocks at the most iterations. The work runs in Java,
     * where the worker's CPU limit cannot stop it.
     */
    static final long MAX_PBKDF2_WORK = 10L * MAX_PBKDF2_ITERATIONS;
    /** The most bytes one derivation hashes again for each block of its output (a PBKDF2 salt, an HKDF info). */
    static final long MAX_HASHED_PER_CALL = 16L * 1024 * 1024;

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
        long blocks = (length + hashLength - 1) / hashLength;
        if (blocks * iterations > MAX_PBKDF2_WORK) {
            throw CryptoFailure.notSupported("Pbkdf2 failed: " + iterations + " iterations for each of the " + blocks
                    + " blocks of a " + (length * 8L) + "-bit key are " + blocks * iterations + " HMACs; at most "
                    + MAX_PBKDF2_WORK + " are supported (derive fewer bits, or use fewer iterations).");
        }
        if (blocks * salt.length > MAX_HASHED_PER_CALL) {
            throw CryptoFailure.notSupported("Pbkdf2 failed: the salt is hashed once for each of the " + blocks
                    + " blocks; a salt of " + salt.length + " bytes is too long for that.");
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
        long blocks = (length + mac.getMacLength() - 1) / mac.getMacLength();
        if (blocks * info.length > MAX_HASHED_PER_CALL) {
            throw CryptoFailure.notSupported("HKDF failed: the info is hashed once for each of the " + blocks
                    + " blocks of the output; an info of " + info.length + " bytes is too long for that.");
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
