package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of one operation as the runtime JavaScript sends them: {@code name=value}
 * lines, already normalized there (algorithm and hash names in their canonical spelling,
 * numbers in range, JWK members as base64url). Java checks them again only where a wrong
 * value would make the JCA misbehave rather than fail.
 */
record Params(Map<String, String> values) {
    static Params parse(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Params(Map.copyOf(values));
    }

    Optional<String> find(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String text(String name) throws CryptoFailure {
        String value = values.get(name);
        if (value == null) {
            throw new CryptoFailure("TypeError", "Missing parameter " + name + ".");
        }
        return value;
    }

    int integer(String name) throws CryptoFailure {
        try {
            return Integer.parseInt(text(name));
        } catch (NumberFormatException e) {
            throw new CryptoFailure("TypeError", "Parameter " + name + " is not an integer.");
        }
    }

    /** A JWK member: base64url without padding, as RFC 7518 requires. */
    byte[] base64url(String name) throws CryptoFailure {
        try {
            return Base64.getUrlDecoder().decode(text(name));
        } catch (IllegalArgumentException e) {
            throw CryptoFailure.data("The JWK member \"" + name + "\" is not valid base64url.");
        }
    }

    BigInteger unsigned(String name) throws CryptoFailure {
        return new BigInteger(1, base64url(name));
    }

    /** The JCA name of the hash in {@code hash} (SHA-1, SHA-256, SHA-384 or SHA-512). */
    String hash() throws CryptoFailure {
        String hash = text("hash");
        return switch (hash) {
            case "SHA-1", "SHA-256", "SHA-384", "SHA-512" -> hash;
            default -> throw CryptoFailure.notSupported("Unsupported hash " + hash + ".");
        };
    }
}
