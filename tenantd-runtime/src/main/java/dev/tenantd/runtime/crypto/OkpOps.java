package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * Ed25519 (RFC 8032) and X25519 (RFC 7748). Keys are held as the fixed-layout PKCS #8 and
 * SPKI structures of RFC 8410, so the raw 32 bytes are always the last 32 of the encoding.
 */
final class OkpOps {
    private static final int SIZE = 32;

    private OkpOps() {
    }

    static CryptoResult run(String alg, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        return switch (alg + "/" + request.operation()) {
            case "Ed25519/sign" -> {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(privateKey(alg, request.key()));
                signature.update(request.data());
                yield SubtleHost.bytes(signature.sign());
            }
            case "Ed25519/verify" -> {
                Signature signature = Signature.getInstance("Ed25519");
                boolean valid;
                try {
                    signature.initVerify(publicKey(alg, request.key()));
                    signature.update(request.data());
                    valid = request.extra1().length == 64 && signature.verify(request.extra1());
                } catch (SignatureException | java.security.InvalidKeyException e) {
                    valid = false; // a public key that is no curve point verifies nothing
                }
                yield SubtleHost.verdict(valid);
            }
            case "X25519/deriveBits" -> {
                KeyAgreement agreement = KeyAgreement.getInstance("X25519");
                agreement.init(privateKey(alg, request.key()));
                try {
                    agreement.doPhase(publicKey(alg, request.extra1()), true);
                    byte[] secret = agreement.generateSecret();
                    if (Arrays.equals(secret, new byte[SIZE])) {
                        throw CryptoFailure.operation("The public key is of small order: the shared secret is all zeros.");
                    }
                    yield SubtleHost.bytes(secret);
                } catch (java.security.InvalidKeyException e) {
                    throw CryptoFailure.operation("The public key is of small order: the shared secret is all zeros.");
                }
            }
            case "Ed25519/generate", "X25519/generate" -> {
                byte[] seed = new byte[SIZE];
                new SecureRandom().nextBytes(seed);
                yield new Lines().bytes("private", pkcs8(alg, seed)).bytes("public", spki(alg, publicOf(alg, seed))).result();
            }
            case "Ed25519/import", "X25519/import" -> importKey(alg, request);
            case "Ed25519/export", "X25519/export" -> exportKey(alg, request);
            default -> throw request.unsupported();
        };
    }

    private static CryptoResult importKey(String alg, SubtleHost.Request request) throws CryptoFailure {
        Params params = request.params();
        byte[] material;
        boolean isPrivate;
        try {
            switch (params.text("format")) {
                case "raw" -> {
                    material = spki(alg, sized(request.key()));
                    isPrivate = false;
                }
                case "spki" -> {
                    material = spki(alg, sized(last32(publicKey(alg, request.key()).getEncoded())));
                    isPrivate = false;
                }
                case "pkcs8" -> {
                    material = pkcs8(alg, seedOf(privateKey(alg, request.key())));
                    isPrivate = true;
                }
                case "jwk" -> {
                    byte[] x = sized(params.base64url("x"));
                    isPrivate = params.find("d").isPresent();
                    if (isPrivate) {
                        byte[] d = sized(params.base64url("d"));
                        if (!Arrays.equals(publicOf(alg, d), x)) {
                            throw CryptoFailure.data("The OKP private JWK is inconsistent: x is not the public key of d.");
                        }
                        material = pkcs8(alg, d);
                    } else {
                        material = spki(alg, x);
                    }
                }
                default -> throw CryptoFailure.notSupported(alg + " keys are imported as raw, pkcs8, spki or jwk.");
            }
            // Parsing the result once more checks what was built.
            if (isPrivate) {
                privateKey(alg, material);
            } else {
                publicKey(alg, material);
            }
        } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
            throw CryptoFailure.data("Invalid " + alg + " key data: it is not an " + alg + " key in the given format.");
        }
        return new Lines().put("type", isPrivate ? "private" : "public").bytes("material", material).result();
    }

    private static CryptoResult exportKey(String alg, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        Params params = request.params();
        boolean isPrivate = params.text("type").equals("private");
        byte[] raw = last32(request.key());
        return switch (params.text("format")) {
            case "pkcs8", "spki" -> SubtleHost.bytes(request.key());
            case "raw" -> SubtleHost.bytes(raw);
            case "jwk" -> isPrivate ? new Lines().bytes("x", publicOf(alg, raw)).bytes("d", raw).result()
                    : new Lines().bytes("x", raw).result();
            default -> throw CryptoFailure.notSupported(alg + " keys are exported as raw, pkcs8, spki or jwk.");
        };
    }

    /**
     * The public key of a private one. The JCA exposes no such derivation, so for X25519 it
     * is the agreement with the base point (u = 9), and for Ed25519 a key pair generated from
     * a random source that yields exactly the private key (the generator reads its 32 bytes
     * as the private key as they are).
     */
    private static byte[] publicOf(String alg, byte[] seed) throws GeneralSecurityException {
        if (alg.equals("X25519")) {
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(privateKey(alg, pkcs8(alg, seed)));
            agreement.doPhase(KeyFactory.getInstance("X25519")
                    .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9))), true);
            return agreement.generateSecret();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
        KeyPair pair = generator.generateKeyPair();
        return last32(pair.getPublic().getEncoded());
    }

    private static byte[] seedOf(PrivateKey key) throws CryptoFailure {
        byte[] seed = key instanceof EdECPrivateKey ed ? ed.getBytes().orElse(new byte[0])
                : ((XECPrivateKey) key).getScalar().orElse(new byte[0]);
        return sized(seed);
    }

    private static byte[] sized(byte[] raw) throws CryptoFailure {
        if (raw.length != SIZE) {
            throw CryptoFailure.data("The key must be 32 bytes long.");
        }
        return raw;
    }

    private static byte[] last32(byte[] encoded) {
        return Arrays.copyOfRange(encoded, encoded.length - SIZE, encoded.length);
    }

    /** The algorithm's object identifier as DER content bytes: 1.3.101.112 (Ed25519) or 1.3.101.110 (X25519). */
    private static byte oid(String alg) {
        return alg.equals("Ed25519") ? (byte) 0x70 : (byte) 0x6e;
    }

    static byte[] pkcs8(String alg, byte[] seed) {
        byte[] prefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, oid(alg), 0x04, 0x22, 0x04, 0x20};
        return concat(prefix, seed);
    }

    static byte[] spki(String alg, byte[] raw) {
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, oid(alg), 0x03, 0x21, 0x00};
        return concat(prefix, raw);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static PrivateKey privateKey(String alg, byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    private static PublicKey publicKey(String alg, byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
    }

    /** A random source that hands out one given value: the seed of a key pair to recompute. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] value;

        FixedRandom(byte[] value) {
            this.value = value.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(value, 0, bytes, 0, Math.min(value.length, bytes.length));
        }
    }
}
