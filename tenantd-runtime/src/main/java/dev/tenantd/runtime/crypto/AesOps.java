package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-GCM, AES-CBC, AES-CTR and AES-KW (RFC 3394) over a raw key of 16, 24 or 32 bytes. */
final class AesOps {
    private AesOps() {
    }

    static CryptoResult run(String alg, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        int length = request.key().length;
        if (length != 16 && length != 24 && length != 32) {
            throw CryptoFailure.data("AES keys must be 128, 192 or 256 bits long.");
        }
        boolean encrypt = switch (request.operation()) {
            case "encrypt" -> true;
            case "decrypt" -> false;
            default -> throw request.unsupported();
        };
        SecretKeySpec key = new SecretKeySpec(request.key(), "AES");
        return SubtleHost.bytes(switch (alg) {
            case "AES-GCM" -> gcm(encrypt, key, request);
            case "AES-CBC" -> cbc(encrypt, key, request);
            case "AES-CTR" -> ctr(key, request);
            default -> kw(encrypt, key, request.data());
        });
    }

    private static byte[] gcm(boolean encrypt, SecretKeySpec key, SubtleHost.Request request)
            throws CryptoFailure, GeneralSecurityException {
        int tagLength = request.params().integer("tagLength");
        if (request.extra1().length == 0) {
            throw CryptoFailure.operation("AES-GCM requires a non-empty iv.");
        }
        if (!encrypt && request.data().length < tagLength / 8) {
            throw CryptoFailure.operation("The ciphertext is shorter than the authentication tag.");
        }
        if (tagLength < 96) {
            return shortTagGcm(encrypt, key, request, tagLength / 8);
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tagLength, request.extra1()));
        cipher.updateAAD(request.extra2());
        try {
            return cipher.doFinal(request.data());
        } catch (AEADBadTagException e) {
            throw CryptoFailure.operation("Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason.");
        }
    }

    /**
     * AES-GCM with a 32- or 64-bit tag, which the JCA's GCM does not offer: a GCM tag of fewer
     * bits is the leading bits of the full one. Encrypting cuts the full tag short; decrypting
     * takes the key stream from the encryption of zeros under the same key and iv, and compares
     * the leading bits of the full tag of the plaintext it gives, in constant time, before the
     * plaintext is let out.
     */
    private static byte[] shortTagGcm(boolean encrypt, SecretKeySpec key, SubtleHost.Request request, int tagBytes)
            throws CryptoFailure, GeneralSecurityException {
        byte[] data = request.data();
        if (encrypt) {
            byte[] sealed = fullTagGcm(key, request.extra1(), request.extra2(), data);
            return java.util.Arrays.copyOf(sealed, data.length + tagBytes);
        }
        int length = data.length - tagBytes;
        byte[] plain = fullTagGcm(key, request.extra1(), new byte[0], new byte[length]);
        for (int i = 0; i < length; i++) {
            plain[i] ^= data[i];
        }
        byte[] sealed = fullTagGcm(key, request.extra1(), request.extra2(), java.util.Arrays.copyOf(plain, length));
        if (!java.security.MessageDigest.isEqual(java.util.Arrays.copyOfRange(sealed, length, length + tagBytes),
                java.util.Arrays.copyOfRange(data, length, data.length))) {
            throw CryptoFailure.operation("Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason.");
        }
        return java.util.Arrays.copyOf(plain, length);
    }

    /** The ciphertext of {@code plain} followed by its 128-bit tag (a new cipher each time: the JCA refuses an iv used before). */
    private static byte[] fullTagGcm(SecretKeySpec key, byte[] iv, byte[] aad, byte[] plain) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(aad);
        return cipher.doFinal(plain);
    }

    private static byte[] cbc(boolean encrypt, SecretKeySpec key, SubtleHost.Request request)
            throws CryptoFailure, GeneralSecurityException {
        if (request.extra1().length != 16) {
            throw CryptoFailure.operation("AES-CBC requires an iv of exactly 16 bytes.");
        }
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new IvParameterSpec(request.extra1()));
        try {
            return cipher.doFinal(request.data());
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw CryptoFailure.operation("Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason.");
        }
    }

    /**
     * Counter mode in which only the rightmost {@code length} bits of the counter block
     * count up (and wrap), as Web Crypto defines it; the JCA's CTR carries into the whole
     * block, so the key stream is made here from single-block encryptions.
     */
    private static byte[] ctr(SecretKeySpec key, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        byte[] counter = request.extra1();
        int bits = request.params().integer("length");
        if (counter.length != 16) {
            throw CryptoFailure.operation("AES-CTR requires a counter of exactly 16 bytes.");
        }
        if (bits < 1 || bits > 128) {
            throw CryptoFailure.operation("AES-CTR requires a counter length between 1 and 128 bits.");
        }
        byte[] data = request.data();
        long blocks = (data.length + 15L) / 16;
        BigInteger modulus = BigInteger.ONE.shiftLeft(bits);
        if (BigInteger.valueOf(blocks).compareTo(modulus) > 0) {
            throw CryptoFailure.operation("The data is too long for the counter length: the counter would repeat.");
        }
        BigInteger whole = new BigInteger(1, counter);
        BigInteger high = whole.subtract(whole.mod(modulus));
        BigInteger low = whole.mod(modulus);
        if (low.add(BigInteger.valueOf(blocks)).compareTo(modulus) <= 0) {
            // The counter does not wrap within the data: the JCA's whole-block counter is the same.
            byte[] out = new byte[data.length];
            ctrRun(key, counter, data, 0, data.length, out);
            return out;
        }
        // It wraps once (the length check above rules out twice): the blocks before the wrap
        // count on from the counter, the rest from its fixed high bits with the low bits at zero.
        // Two runs of the JCA's counter mode, not a block at a time: that would be minutes of
        // CPU for a large input, in the host where the CPU limit cannot stop it.
        int beforeWrap = modulus.subtract(low).multiply(BigInteger.valueOf(16)).intValueExact();
        byte[] out = new byte[data.length];
        ctrRun(key, counter, data, 0, beforeWrap, out);
        ctrRun(key, Lines.fixedBytes(high, 16), data, beforeWrap, data.length - beforeWrap, out);
        return out;
    }

    /**
     * AES in the JCA's counter mode (all 128 bits count) over {@code length} bytes of {@code data}
     * from {@code offset}, into {@code out} at the same place.
     */
    private static void ctrRun(SecretKeySpec key, byte[] counter, byte[] data, int offset, int length, byte[] out)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(counter));
        cipher.doFinal(data, offset, length, out, offset);
    }

    private static byte[] kw(boolean encrypt, SecretKeySpec key, byte[] data) throws CryptoFailure, GeneralSecurityException {
        if (data.length % 8 != 0 || data.length < (encrypt ? 16 : 24)) {
            throw CryptoFailure.operation("AES-KW works on data that is a multiple of 8 bytes and at least "
                    + (encrypt ? 16 : 24) + " bytes long.");
        }
        Cipher cipher = Cipher.getInstance("AES/KW/NoPadding");
        cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key);
        try {
            return cipher.doFinal(data);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw CryptoFailure.operation("Unwrapping failed: the wrapped key does not check out with this key.");
        }
    }
}
