package dev.tenantd.runtime.crypto;

import java.math.BigInteger;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;

/**
 * The little point arithmetic the JCA does not expose: the public point of a private
 * scalar (a PKCS #8 EC key need not carry it, a JWK must), point validation and point
 * decompression. Used for key import and export only, never for signing or agreement.
 */
final class EcPoints {
    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger THREE = BigInteger.valueOf(3);

    private EcPoints() {
    }

    static boolean onCurve(ECParameterSpec spec, ECPoint point) {
        if (point.equals(ECPoint.POINT_INFINITY)) {
            return false;
        }
        BigInteger p = prime(spec);
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            return false;
        }
        return y.modPow(TWO, p).equals(rightSide(spec, x));
    }

    static ECPoint decompress(ECParameterSpec spec, BigInteger x, boolean odd) {
        BigInteger p = prime(spec);
        // p = 3 (mod 4) for the NIST prime curves, so a square root is a (p + 1) / 4 power.
        BigInteger y = rightSide(spec, x).modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        if (y.testBit(0) != odd) {
            y = p.subtract(y).mod(p);
        }
        return new ECPoint(x, y);
    }

    static ECPoint multiplyGenerator(ECParameterSpec spec, BigInteger scalar) {
        ECPoint result = ECPoint.POINT_INFINITY;
        ECPoint addend = spec.getGenerator();
        for (int i = 0; i < scalar.bitLength(); i++) {
            if (scalar.testBit(i)) {
                result = add(spec, result, addend);
            }
            addend = add(spec, addend, addend);
        }
        return result;
    }

    private static ECPoint add(ECParameterSpec spec, ECPoint a, ECPoint b) {
        if (a.equals(ECPoint.POINT_INFINITY)) {
            return b;
        }
        if (b.equals(ECPoint.POINT_INFINITY)) {
            return a;
        }
        BigInteger p = prime(spec);
        BigInteger lambda;
        if (a.getAffineX().equals(b.getAffineX())) {
            if (!a.getAffineY().equals(b.getAffineY()) || a.getAffineY().signum() == 0) {
                return ECPoint.POINT_INFINITY;
            }
            lambda = a.getAffineX().pow(2).multiply(THREE).add(spec.getCurve().getA())
                    .multiply(a.getAffineY().shiftLeft(1).modInverse(p)).mod(p);
        } else {
            lambda = b.getAffineY().subtract(a.getAffineY())
                    .multiply(b.getAffineX().subtract(a.getAffineX()).modInverse(p)).mod(p);
        }
        BigInteger x = lambda.pow(2).subtract(a.getAffineX()).subtract(b.getAffineX()).mod(p);
        BigInteger y = lambda.multiply(a.getAffineX().subtract(x)).subtract(a.getAffineY()).mod(p);
        return new ECPoint(x, y);
    }

    private static BigInteger rightSide(ECParameterSpec spec, BigInteger x) {
        BigInteger p = prime(spec);
        return x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
    }

    private static BigInteger prime(ECParameterSpec spec) {
        return ((ECFieldFp) spec.getCurve().getField()).getP();
    }
}
