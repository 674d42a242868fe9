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

    /**
     * {@code scalar} times the curve's generator, by double-and-add in Jacobian coordinates
     * (X, Y, Z stand for X / Z^2, Y / Z^3), so that only the final conversion divides.
     */
    static ECPoint multiplyGenerator(ECParameterSpec spec, BigInteger scalar) {
        BigInteger p = prime(spec);
        BigInteger a = spec.getCurve().getA();
        BigInteger gx = spec.getGenerator().getAffineX();
        BigInteger gy = spec.getGenerator().getAffineY();
        BigInteger[] point = null;
        for (int i = scalar.bitLength() - 1; i >= 0; i--) {
            if (point != null) {
                point = doubled(point, a, p);
            }
            if (scalar.testBit(i)) {
                point = point == null ? new BigInteger[] {gx, gy, BigInteger.ONE} : plusAffine(point, gx, gy, a, p);
            }
        }
        if (point == null || point[2].signum() == 0) {
            return ECPoint.POINT_INFINITY;
        }
        BigInteger zInverse = point[2].modInverse(p);
        BigInteger zInverse2 = zInverse.multiply(zInverse).mod(p);
        return new ECPoint(point[0].multiply(zInverse2).mod(p), point[1].multiply(zInverse2).multiply(zInverse).mod(p));
    }

    private static BigInteger[] doubled(BigInteger[] point, BigInteger a, BigInteger p) {
        BigInteger x = point[0];
        BigInteger y = point[1];
        BigInteger z = point[2];
        if (y.signum() == 0 || z.signum() == 0) {
            return new BigInteger[] {BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        }
        BigInteger y2 = y.multiply(y).mod(p);
        BigInteger s = x.multiply(y2).shiftLeft(2).mod(p);
        BigInteger z2 = z.multiply(z).mod(p);
        BigInteger m = x.multiply(x).multiply(THREE).add(a.multiply(z2).multiply(z2)).mod(p);
        BigInteger x3 = m.multiply(m).subtract(s.shiftLeft(1)).mod(p);
        BigInteger y3 = m.multiply(s.subtract(x3)).subtract(y2.multiply(y2).shiftLeft(3)).mod(p);
        BigInteger z3 = y.multiply(z).shiftLeft(1).mod(p);
        return new BigInteger[] {x3, y3, z3};
    }

    private static BigInteger[] plusAffine(BigInteger[] point, BigInteger x2, BigInteger y2, BigInteger a, BigInteger p) {
        BigInteger x = point[0];
        BigInteger y = point[1];
        BigInteger z = point[2];
        if (z.signum() == 0) {
            return new BigInteger[] {x2, y2, BigInteger.ONE};
        }
        BigInteger z2 = z.multiply(z).mod(p);
        BigInteger h = x2.multiply(z2).subtract(x).mod(p);
        BigInteger r = y2.multiply(z2).multiply(z).subtract(y).mod(p);
        if (h.signum() == 0) {
            return r.signum() == 0 ? doubled(point, a, p) : new BigInteger[] {BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        }
        BigInteger h2 = h.multiply(h).mod(p);
        BigInteger h3 = h2.multiply(h).mod(p);
        BigInteger xh2 = x.multiply(h2).mod(p);
        BigInteger x3 = r.multiply(r).subtract(h3).subtract(xh2.shiftLeft(1)).mod(p);
        BigInteger y3 = r.multiply(xh2.subtract(x3)).subtract(y.multiply(h3)).mod(p);
        return new BigInteger[] {x3, y3, z.multiply(h).mod(p)};
    }

    private static BigInteger rightSide(ECParameterSpec spec, BigInteger x) {
        BigInteger p = prime(spec);
        return x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
    }

    private static BigInteger prime(ECParameterSpec spec) {
        return ((ECFieldFp) spec.getCurve().getField()).getP();
    }
}
