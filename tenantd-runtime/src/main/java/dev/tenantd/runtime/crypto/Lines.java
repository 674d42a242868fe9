package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/** Builds the {@code name=value} lines a {@link CryptoResult.Text} carries. */
final class Lines {
    private final StringBuilder out = new StringBuilder();

    Lines put(String name, String value) {
        out.append(name).append('=').append(value).append('\n');
        return this;
    }

    Lines put(String name, int value) {
        return put(name, Integer.toString(value));
    }

    Lines bytes(String name, byte[] value) {
        return put(name, base64url(value));
    }

    /** A JWK integer: big-endian, without leading zero bytes. */
    Lines unsigned(String name, BigInteger value) {
        return bytes(name, unsignedBytes(value));
    }

    /** A fixed-width field element or scalar (EC coordinates, d), as RFC 7518 asks. */
    Lines fixed(String name, BigInteger value, int length) {
        return bytes(name, fixedBytes(value, length));
    }

    CryptoResult.Text result() {
        return new CryptoResult.Text(out.toString());
    }

    static String base64url(byte[] value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    static byte[] unsignedBytes(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    static byte[] fixedBytes(BigInteger value, int length) {
        byte[] bytes = unsignedBytes(value);
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
        return out;
    }
}
