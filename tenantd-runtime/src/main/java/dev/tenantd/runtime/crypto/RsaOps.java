package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP. Private keys are held as PKCS #8 and public
 * keys as SPKI, both with the rsaEncryption identifier, whatever form they came in.
 */
final class RsaOps {
    private static final String[] JWK_PRIVATE = {"d", "p", "q", "dp", "dq", "qi"};

    private RsaOps() {
    }

    static CryptoResult run(String alg, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        Params params = request.params();
        return switch (alg + "/" + request.operation()) {
            case "RSASSA-PKCS1-v1_5/sign", "RSA-PSS/sign" -> {
                Signature signature = signature(alg, params);
                signature.initSign(privateKey(request.key()));
                signature.update(request.data());
                yield SubtleHost.bytes(signature.sign());
            }
            case "RSASSA-PKCS1-v1_5/verify", "RSA-PSS/verify" -> {
                Signature signature = signature(alg, params);
                signature.initVerify(publicKey(request.key()));
                signature.update(request.data());
                boolean valid;
                try {
                    valid = signature.verify(request.extra1());
                } catch (SignatureException e) {
                    valid = false; // a signature of the wrong length or form verifies nothing
                }
                yield SubtleHost.verdict(valid);
            }
            case "RSA-OAEP/encrypt" -> SubtleHost.bytes(oaep(Cipher.ENCRYPT_MODE, publicKey(request.key()), request));
            case "RSA-OAEP/decrypt" -> SubtleHost.bytes(oaep(Cipher.DECRYPT_MODE, privateKey(request.key()), request));
            case "RSASSA-PKCS1-v1_5/generate", "RSA-PSS/generate", "RSA-OAEP/generate" -> generate(params);
            case "RSASSA-PKCS1-v1_5/import", "RSA-PSS/import", "RSA-OAEP/import" -> importKey(request);
            case "RSASSA-PKCS1-v1_5/export", "RSA-PSS/export", "RSA-OAEP/export" -> exportKey(request);
            default -> throw request.unsupported();
        };
    }

    private static Signature signature(String alg, Params params) throws CryptoFailure, GeneralSecurityException {
        String hash = params.hash();
        if (alg.equals("RSASSA-PKCS1-v1_5")) {
            return Signature.getInstance(hash.replace("-", "") + "withRSA");
        }
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), params.integer("saltLength"),
                PSSParameterSpec.TRAILER_FIELD_BC));
        return signature;
    }

    private static byte[] oaep(int mode, java.security.Key key, SubtleHost.Request request)
            throws CryptoFailure, GeneralSecurityException {
        String hash = request.params().hash();
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(mode, key, new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                new PSource.PSpecified(request.extra1())));
        try {
            return cipher.doFinal(request.data());
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw CryptoFailure.operation(mode == Cipher.ENCRYPT_MODE
                    ? "The data is too long for RSA-OAEP with this key and hash."
                    : "Decryption failed: the ciphertext, label or key is not the one it was encrypted with.");
        }
    }

    /** The largest RSA modulus generateKey makes. */
    static final int MAX_GENERATED_BITS = 4096;

    private static CryptoResult generate(Params params) throws CryptoFailure, GeneralSecurityException {
        int bits = params.integer("modulusLength");
        BigInteger exponent = params.unsigned("publicExponent");
        if (!exponent.equals(BigInteger.valueOf(3)) && !exponent.equals(BigInteger.valueOf(65537))) {
            throw CryptoFailure.operation("The public exponent must be 3 or 65537.");
        }
        if (bits < 256 || bits > 16384 || bits % 8 != 0) {
            throw CryptoFailure.operation("The modulus length must be a multiple of 8 between 256 and 16384.");
        }
        // Generating a key cannot be interrupted, and past 4096 bits it takes minutes of a thread
        // after the worker's CPU limit has ended the request; larger keys can still be imported.
        if (bits > MAX_GENERATED_BITS) {
            throw CryptoFailure.operation("tenantd generates RSA keys of at most " + MAX_GENERATED_BITS
                    + " bits (a larger key takes minutes to generate); import a larger key instead.");
        }
        if (params.find("checkOnly").isPresent()) {
            // The parameters hold, and no key is wanted (the pair would have no private usages).
            return new Lines().result();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(new RSAKeyGenParameterSpec(bits, exponent), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        return new Lines().bytes("private", pair.getPrivate().getEncoded()).bytes("public", pair.getPublic().getEncoded())
                .put("modulusLength", bits).bytes("publicExponent", Lines.unsignedBytes(exponent)).result();
    }

    private static CryptoResult importKey(SubtleHost.Request request) throws CryptoFailure {
        Params params = request.params();
        RSAKey key;
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            key = switch (params.text("format")) {
                case "pkcs8" -> (RSAKey) factory.generatePrivate(new PKCS8EncodedKeySpec(request.key()));
                case "spki" -> (RSAKey) factory.generatePublic(new X509EncodedKeySpec(request.key()));
                case "jwk" -> params.find("d").isPresent() ? jwkPrivate(factory, params)
                        : (RSAKey) factory.generatePublic(new RSAPublicKeySpec(params.unsigned("n"), params.unsigned("e")));
                default -> throw CryptoFailure.notSupported("RSA keys are imported as pkcs8, spki or jwk.");
            };
        } catch (GeneralSecurityException | ClassCastException e) {
            throw CryptoFailure.data("Invalid RSA key data: it is not an RSA key in the given format.");
        }
        BigInteger exponent = key instanceof RSAPrivateCrtKey crt ? crt.getPublicExponent() : ((RSAPublicKey) key).getPublicExponent();
        if (key instanceof java.security.interfaces.RSAPrivateKey && !(key instanceof RSAPrivateCrtKey)) {
            throw CryptoFailure.data("RSA private keys must carry their CRT parameters.");
        }
        boolean isPrivate = key instanceof RSAPrivateCrtKey;
        if (key instanceof RSAPrivateCrtKey crt) {
            checkCrt(crt);
        }
        return new Lines().put("type", isPrivate ? "private" : "public")
                .bytes("material", ((java.security.Key) key).getEncoded())
                .put("modulusLength", key.getModulus().bitLength())
                .bytes("publicExponent", Lines.unsignedBytes(exponent)).result();
    }

    /**
     * Refuses a private key whose CRT parameters are out of range. The JCA takes them on trust, and
     * signing or decrypting raises to them: a dP of megabytes makes one operation take hours of
     * a thread that the worker's CPU limit cannot stop.
     */
    private static void checkCrt(RSAPrivateCrtKey key) throws CryptoFailure {
        BigInteger n = key.getModulus();
        BigInteger p = key.getPrimeP();
        BigInteger q = key.getPrimeQ();
        BigInteger one = BigInteger.ONE;
        boolean inRange = n.bitLength() <= 16384 && p.compareTo(one) > 0 && q.compareTo(one) > 0
                && p.bitLength() + q.bitLength() <= n.bitLength() + 1
                && within(key.getPrivateExponent(), n) && within(key.getPrimeExponentP(), p)
                && within(key.getPrimeExponentQ(), q) && within(key.getCrtCoefficient(), p)
                && key.getPublicExponent().signum() > 0 && key.getPublicExponent().compareTo(n) < 0;
        if (!inRange || !p.multiply(q).equals(n)) {
            throw CryptoFailure.data("Invalid RSA private key: its parameters are inconsistent (n must be p times q, "
                    + "and d, dp, dq and qi less than n, p, q and p).");
        }
    }

    /** Whether {@code value} lies in [0, bound). */
    private static boolean within(BigInteger value, BigInteger bound) {
        return value.signum() >= 0 && value.compareTo(bound) < 0;
    }

    private static RSAKey jwkPrivate(KeyFactory factory, Params params) throws CryptoFailure, GeneralSecurityException {
        for (String name : JWK_PRIVATE) {
            if (params.find(name).isEmpty()) {
                throw CryptoFailure.data("The RSA private JWK lacks \"" + name + "\".");
            }
        }
        RSAPrivateCrtKeySpec spec = new RSAPrivateCrtKeySpec(params.unsigned("n"), params.unsigned("e"), params.unsigned("d"),
                params.unsigned("p"), params.unsigned("q"), params.unsigned("dp"), params.unsigned("dq"), params.unsigned("qi"));
        // The parts must belong together (n = p q): importKey's checkCrt sees to it, sizes first, since
        // multiplying a p and a q of megabytes each would hold this thread for seconds.
        return (RSAPrivateCrtKey) factory.generatePrivate(spec);
    }

    private static CryptoResult exportKey(SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        Params params = request.params();
        boolean isPrivate = params.text("type").equals("private");
        return switch (params.text("format")) {
            case "pkcs8", "spki" -> SubtleHost.bytes(request.key());
            case "jwk" -> {
                if (isPrivate) {
                    RSAPrivateCrtKey key = privateKey(request.key());
                    yield new Lines().unsigned("n", key.getModulus()).unsigned("e", key.getPublicExponent())
                            .unsigned("d", key.getPrivateExponent()).unsigned("p", key.getPrimeP()).unsigned("q", key.getPrimeQ())
                            .unsigned("dp", key.getPrimeExponentP()).unsigned("dq", key.getPrimeExponentQ())
                            .unsigned("qi", key.getCrtCoefficient()).result();
                }
                RSAPublicKey key = publicKey(request.key());
                yield new Lines().unsigned("n", key.getModulus()).unsigned("e", key.getPublicExponent()).result();
            }
            default -> throw CryptoFailure.notSupported("RSA keys are exported as pkcs8, spki or jwk.");
        };
    }

    static RSAPrivateCrtKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    static RSAPublicKey publicKey(byte[] spki) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
    }
}
