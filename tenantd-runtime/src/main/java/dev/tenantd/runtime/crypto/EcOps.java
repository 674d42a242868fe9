package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * ECDSA and ECDH on P-256, P-384 and P-521. Private keys are held as PKCS #8, public keys as
 * SPKI. Signatures are IEEE P1363 (r || s), the form Web Crypto uses.
 */
final class EcOps {
    private EcOps() {
    }

    static CryptoResult run(String alg, SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        Params params = request.params();
        return switch (alg + "/" + request.operation()) {
            case "ECDSA/sign" -> {
                Signature signature = Signature.getInstance(params.hash().replace("-", "") + "withECDSAinP1363Format");
                signature.initSign(privateKey(request.key()));
                signature.update(request.data());
                yield SubtleHost.bytes(signature.sign());
            }
            case "ECDSA/verify" -> {
                Signature signature = Signature.getInstance(params.hash().replace("-", "") + "withECDSAinP1363Format");
                ECPublicKey key = publicKey(request.key());
                signature.initVerify(key);
                signature.update(request.data());
                boolean valid;
                try {
                    valid = request.extra1().length == 2 * fieldBytes(key) && signature.verify(request.extra1());
                } catch (SignatureException e) {
                    valid = false;
                }
                yield SubtleHost.verdict(valid);
            }
            case "ECDH/deriveBits" -> {
                ECPrivateKey own = privateKey(request.key());
                ECPublicKey peer = publicKey(request.extra1());
                if (!curve(own).equals(curve(peer))) {
                    throw new CryptoFailure("InvalidAccessError", "The public key is on a different curve than the private key.");
                }
                KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
                agreement.init(own);
                agreement.doPhase(peer, true);
                yield SubtleHost.bytes(agreement.generateSecret());
            }
            case "ECDSA/generate", "ECDH/generate" -> {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec(jcaCurve(params.text("namedCurve"))), new SecureRandom());
                KeyPair pair = generator.generateKeyPair();
                yield new Lines().bytes("private", pair.getPrivate().getEncoded())
                        .bytes("public", pair.getPublic().getEncoded()).result();
            }
            case "ECDSA/import", "ECDH/import" -> importKey(request);
            case "ECDSA/export", "ECDH/export" -> exportKey(request);
            default -> throw request.unsupported();
        };
    }

    private static CryptoResult importKey(SubtleHost.Request request) throws CryptoFailure {
        Params params = request.params();
        String namedCurve = params.text("namedCurve");
        ECKey key;
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            ECParameterSpec spec = curveSpec(namedCurve);
            key = switch (params.text("format")) {
                case "pkcs8" -> (ECKey) factory.generatePrivate(new PKCS8EncodedKeySpec(request.key()));
                case "spki" -> {
                    ECPoint compressed = compressedSpkiPoint(request.key(), spec, factory);
                    yield (ECKey) factory.generatePublic(compressed != null ? new ECPublicKeySpec(compressed, spec)
                            : new X509EncodedKeySpec(request.key()));
                }
                case "raw" -> (ECKey) factory.generatePublic(new ECPublicKeySpec(decodePoint(request.key(), spec), spec));
                case "jwk" -> {
                    int size = fieldBytes(spec);
                    ECPoint point = new ECPoint(fixed(params, "x", size), fixed(params, "y", size));
                    if (params.find("d").isEmpty()) {
                        yield (ECKey) factory.generatePublic(new ECPublicKeySpec(point, spec));
                    }
                    ECPrivateKey priv = (ECPrivateKey) factory.generatePrivate(new ECPrivateKeySpec(fixed(params, "d", size), spec));
                    if (!EcPoints.multiplyGenerator(spec, priv.getS()).equals(point)) {
                        throw CryptoFailure.data("The EC private JWK is inconsistent: x and y are not the public key of d.");
                    }
                    yield priv;
                }
                default -> throw CryptoFailure.notSupported("EC keys are imported as raw, pkcs8, spki or jwk.");
            };
        } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
            throw CryptoFailure.data("Invalid EC key data: it is not a " + namedCurve + " key in the given format.");
        }
        if (!curve(key).equals(namedCurve)) {
            throw CryptoFailure.data("The key is on " + curve(key) + ", not on the requested " + namedCurve + ".");
        }
        if (key instanceof ECPublicKey pub && !EcPoints.onCurve(pub.getParams(), pub.getW())) {
            throw CryptoFailure.data("The public key is not a point on " + namedCurve + ".");
        }
        if (key instanceof ECPrivateKey priv && (priv.getS().signum() <= 0 || priv.getS().compareTo(priv.getParams().getOrder()) >= 0)) {
            throw CryptoFailure.data("The private key is out of range for " + namedCurve + ".");
        }
        return new Lines().put("type", key instanceof ECPrivateKey ? "private" : "public")
                .bytes("material", ((java.security.Key) key).getEncoded()).result();
    }

    private static CryptoResult exportKey(SubtleHost.Request request) throws CryptoFailure, GeneralSecurityException {
        Params params = request.params();
        boolean isPrivate = params.text("type").equals("private");
        return switch (params.text("format")) {
            case "pkcs8", "spki" -> SubtleHost.bytes(request.key());
            case "raw" -> {
                ECPublicKey key = publicKey(request.key());
                int size = fieldBytes(key);
                byte[] out = new byte[1 + 2 * size];
                out[0] = 4;
                System.arraycopy(Lines.fixedBytes(key.getW().getAffineX(), size), 0, out, 1, size);
                System.arraycopy(Lines.fixedBytes(key.getW().getAffineY(), size), 0, out, 1 + size, size);
                yield SubtleHost.bytes(out);
            }
            case "jwk" -> {
                ECKey key = isPrivate ? privateKey(request.key()) : publicKey(request.key());
                int size = fieldBytes(key);
                ECPoint w = key instanceof ECPrivateKey priv ? EcPoints.multiplyGenerator(priv.getParams(), priv.getS())
                        : ((ECPublicKey) key).getW();
                Lines lines = new Lines().fixed("x", w.getAffineX(), size).fixed("y", w.getAffineY(), size);
                if (key instanceof ECPrivateKey priv) {
                    lines.fixed("d", priv.getS(), size);
                }
                yield lines.result();
            }
            default -> throw CryptoFailure.notSupported("EC keys are exported as raw, pkcs8, spki or jwk.");
        };
    }

    private static BigInteger fixed(Params params, String name, int size) throws CryptoFailure {
        byte[] bytes = params.base64url(name);
        if (bytes.length != size) {
            throw CryptoFailure.data("The JWK member \"" + name + "\" must be " + size + " bytes long for this curve.");
        }
        return new BigInteger(1, bytes);
    }

    /** An uncompressed (0x04 || x || y) or compressed (0x02/0x03 || x) point. */
    private static ECPoint decodePoint(byte[] raw, ECParameterSpec spec) throws CryptoFailure {
        int size = fieldBytes(spec);
        if (raw.length == 1 + 2 * size && raw[0] == 4) {
            return new ECPoint(new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + size)),
                    new BigInteger(1, Arrays.copyOfRange(raw, 1 + size, raw.length)));
        }
        if (raw.length == 1 + size && (raw[0] == 2 || raw[0] == 3)) {
            return EcPoints.decompress(spec, new BigInteger(1, Arrays.copyOfRange(raw, 1, raw.length)), raw[0] == 3);
        }
        throw CryptoFailure.data("A raw EC public key is an uncompressed or compressed point of this curve.");
    }

    /**
     * The point of a public key in SPKI whose point is compressed, which the JCA does not read,
     * decompressed; null when {@code spki} is not such a key (the JCA then reads it, or says
     * why not). Its AlgorithmIdentifier must be the requested curve's as the JCA writes it.
     */
    private static ECPoint compressedSpkiPoint(byte[] spki, ECParameterSpec spec, KeyFactory factory)
            throws GeneralSecurityException, CryptoFailure {
        // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
        int[] info = derElement(spki, 0, 0x30);
        int[] algorithm = info == null || info[1] != spki.length ? null : derElement(spki, info[0], 0x30);
        int[] bits = algorithm == null ? null : derElement(spki, algorithm[1], 0x03);
        if (bits == null || bits[1] != spki.length || bits[1] - bits[0] < 2 || spki[bits[0]] != 0
                || (spki[bits[0] + 1] != 2 && spki[bits[0] + 1] != 3)) {
            return null;
        }
        byte[] expected = factory.generatePublic(new ECPublicKeySpec(spec.getGenerator(), spec)).getEncoded();
        int[] expectedInfo = derElement(expected, 0, 0x30);
        int[] expectedAlgorithm = derElement(expected, expectedInfo[0], 0x30);
        // The AlgorithmIdentifier elements, from their tags (each begins where its SEQUENCE's content does).
        if (!Arrays.equals(spki, info[0], algorithm[1], expected, expectedInfo[0], expectedAlgorithm[1])) {
            return null;
        }
        return decodePoint(Arrays.copyOfRange(spki, bits[0] + 1, bits[1]), spec);
    }

    /**
     * Where the content of the DER element at {@code at} with tag {@code tag} starts and ends
     * (exclusive), or null when there is none such within {@code der}.
     */
    private static int[] derElement(byte[] der, int at, int tag) {
        if (at + 2 > der.length || (der[at] & 0xff) != tag) {
            return null;
        }
        int first = der[at + 1] & 0xff;
        int start = at + 2;
        long length = first;
        if (first >= 0x80) {
            int octets = first - 0x80;
            if (octets < 1 || octets > 3 || start + octets > der.length) {
                return null;
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[start + i] & 0xff);
            }
            start += octets;
        }
        return start + length > der.length ? null : new int[] {start, (int) (start + length)};
    }

    static ECPrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    static ECPublicKey publicKey(byte[] spki) throws GeneralSecurityException {
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static String jcaCurve(String namedCurve) throws CryptoFailure {
        return switch (namedCurve) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw CryptoFailure.notSupported("Unrecognized or unimplemented EC curve \"" + namedCurve + "\" requested.");
        };
    }

    private static ECParameterSpec curveSpec(String namedCurve) throws CryptoFailure, GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(jcaCurve(namedCurve)));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }

    /** The Web Crypto name of a key's curve; the JCA here knows no other prime curves of these sizes. */
    static String curve(ECKey key) {
        return switch (key.getParams().getOrder().bitLength()) {
            case 256 -> "P-256";
            case 384 -> "P-384";
            case 521 -> "P-521";
            default -> "an unsupported curve";
        };
    }

    private static int fieldBytes(ECKey key) {
        return fieldBytes(key.getParams());
    }

    private static int fieldBytes(ECParameterSpec spec) {
        return (spec.getCurve().getField().getFieldSize() + 7) / 8;
    }
}
