package dev.tenantd.runtime.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host side of Web Crypto on its own: its answers to hostile input, and what it keeps. */
class SubtleHostTest {
    private static final byte[] NONE = new byte[0];

    @Test
    void hostile_input_gets_a_spec_error_and_never_an_exception() {
        List<String> algorithms = List.of("HMAC", "PBKDF2", "HKDF", "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW", "RSASSA-PKCS1-v1_5",
                "RSA-PSS", "RSA-OAEP", "ECDSA", "ECDH", "Ed25519", "X25519", "SHA-256", "");
        List<String> operations = List.of("sign", "verify", "encrypt", "decrypt", "import", "export", "deriveBits", "generate", "x");
        List<String> params = List.of("", "hash=SHA-256\ntagLength=128\nlength=64\nsaltLength=32\niterations=1",
                "hash=MD2\nformat=pkcs8\nnamedCurve=P-256\ntype=private", "format=jwk\nn=%%%\ne=AQAB\nd=AA\nnamedCurve=P-999",
                "format=raw\nnamedCurve=P-384\ntagLength=-5\nlength=99999\nx=AAAA\ny=AAAA", "format=spki\ntype=public\nlength=x");
        Random random = new Random(42);
        for (String alg : algorithms) {
            for (String operation : operations) {
                for (String extra : params) {
                    for (int size : new int[] {0, 16, 32, 67, 300}) {
                        byte[] key = new byte[size];
                        random.nextBytes(key);
                        CryptoResult result = SubtleHost.run(operation, "alg=" + alg + "\n" + extra, key, key, key, NONE);
                        if (result instanceof CryptoResult.Failure failure) {
                            assertThat(failure.name()).isIn("TypeError", "NotSupportedError", "DataError", "OperationError",
                                    "InvalidAccessError");
                            assertThat(failure.message()).doesNotContainIgnoringCase("exception").doesNotContain("java");
                            if (size > 0) {
                                assertThat(failure.message()).doesNotContain(HexFormat.of().formatHex(key, 0, 4));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void an_unknown_algorithm_or_operation_is_not_supported() {
        assertThat(SubtleHost.run("sign", "alg=ROT13", NONE, NONE, NONE, NONE))
                .isEqualTo(new CryptoResult.Failure("NotSupportedError", "Unrecognized or unimplemented algorithm ROT13."));
        assertThat(SubtleHost.run("encrypt", "alg=HMAC\nhash=SHA-256", new byte[8], NONE, NONE, NONE))
                .isInstanceOfSatisfying(CryptoResult.Failure.class, f -> assertThat(f.name()).isEqualTo("NotSupportedError"));
        assertThat(SubtleHost.run("sign", "hash=SHA-256", new byte[8], NONE, NONE, NONE))
                .isInstanceOfSatisfying(CryptoResult.Failure.class, f -> assertThat(f.name()).isEqualTo("TypeError"));
    }

    @Test
    void pbkdf2_work_is_bounded_before_it_starts() {
        CryptoResult tooMany = SubtleHost.run("deriveBits", "alg=PBKDF2\nhash=SHA-256\nlength=256\niterations=100001",
                new byte[4], NONE, NONE, NONE);
        assertThat(tooMany).isInstanceOfSatisfying(CryptoResult.Failure.class, f -> assertThat(f.name()).isEqualTo("NotSupportedError"));
        CryptoResult tooLong = SubtleHost.run("deriveBits", "alg=PBKDF2\nhash=SHA-1\nlength=" + (255 * 160 + 8) + "\niterations=1",
                new byte[4], NONE, NONE, NONE);
        assertThat(tooLong).isInstanceOfSatisfying(CryptoResult.Failure.class, f -> assertThat(f.name()).isEqualTo("OperationError"));
    }

    @Test
    void pbkdf2_and_hkdf_work_over_all_output_blocks_is_bounded_before_it_starts() {
        // SHA-256: 32 bytes a block; 11 blocks at the most iterations are over the bound, 10 are not
        String elevenBlocks = "alg=PBKDF2\nhash=SHA-256\nlength=" + 11 * 256 + "\niterations=100000";
        assertThat(SubtleHost.run("deriveBits", elevenBlocks, new byte[4], NONE, new byte[16], NONE))
                .isInstanceOfSatisfying(CryptoResult.Failure.class, f -> {
                    assertThat(f.name()).isEqualTo("NotSupportedError");
                    assertThat(f.message()).contains("1100000 HMACs").contains("at most 1000000");
                });
        assertThat(SubtleHost.run("deriveBits", "alg=PBKDF2\nhash=SHA-256\nlength=" + 255 * 256 + "\niterations=1",
                new byte[4], NONE, new byte[16], NONE)).isInstanceOf(CryptoResult.Bytes.class);
        byte[] hugeSalt = new byte[(int) SecretOps.MAX_HASHED_PER_CALL / 2];
        assertThat(SubtleHost.run("deriveBits", "alg=PBKDF2\nhash=SHA-256\nlength=768\niterations=1", new byte[4], NONE,
                hugeSalt, NONE)).isInstanceOfSatisfying(CryptoResult.Failure.class,
                        f -> assertThat(f.name()).isEqualTo("NotSupportedError"));
        assertThat(SubtleHost.run("deriveBits", "alg=PBKDF2\nhash=SHA-256\nlength=256\niterations=1", new byte[4], NONE,
                hugeSalt, NONE)).isInstanceOf(CryptoResult.Bytes.class);
        // HKDF hashes its info once per block
        byte[] info = new byte[(int) (SecretOps.MAX_HASHED_PER_CALL / 255) + 1];
        assertThat(SubtleHost.run("deriveBits", "alg=HKDF\nhash=SHA-1\nlength=" + 255 * 160, new byte[16], NONE,
                NONE, info)).isInstanceOfSatisfying(CryptoResult.Failure.class,
                        f -> assertThat(f.name()).isEqualTo("NotSupportedError"));
        assertThat(SubtleHost.run("deriveBits", "alg=HKDF\nhash=SHA-1\nlength=160", new byte[16], NONE, NONE, info))
                .isInstanceOf(CryptoResult.Bytes.class);
    }

    @Test
    void an_rsa_private_key_with_crt_parameters_out_of_range_is_refused() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        var genuine = (java.security.interfaces.RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        String pkcs8 = "alg=RSASSA-PKCS1-v1_5\nhash=SHA-256\nformat=pkcs8";
        assertThat(SubtleHost.run("import", pkcs8, genuine.getEncoded(), NONE, NONE, NONE))
                .isInstanceOfSatisfying(CryptoResult.Text.class, t -> assertThat(t.value()).startsWith("type=private\n"));
        // dp grown by a multiple of p: the same key for the mathematics, thousands of times the work to sign with
        java.math.BigInteger hugeDp = genuine.getPrimeExponentP().add(genuine.getPrimeP().shiftLeft(1 << 16));
        byte[] hostile = java.security.KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.RSAPrivateCrtKeySpec(
                genuine.getModulus(), genuine.getPublicExponent(), genuine.getPrivateExponent(), genuine.getPrimeP(),
                genuine.getPrimeQ(), hugeDp, genuine.getPrimeExponentQ(), genuine.getCrtCoefficient())).getEncoded();
        assertThat(SubtleHost.run("import", pkcs8, hostile, NONE, NONE, NONE))
                .isInstanceOfSatisfying(CryptoResult.Failure.class, f -> {
                    assertThat(f.name()).isEqualTo("DataError");
                    assertThat(f.message()).contains("inconsistent");
                });
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        java.util.function.Function<java.math.BigInteger, String> u = v -> b64.encodeToString(Lines.unsignedBytes(v));
        String jwk = "alg=RSASSA-PKCS1-v1_5\nhash=SHA-256\nformat=jwk\nn=" + u.apply(genuine.getModulus()) + "\ne="
                + u.apply(genuine.getPublicExponent()) + "\nd=" + u.apply(genuine.getPrivateExponent()) + "\np="
                + u.apply(genuine.getPrimeP()) + "\nq=" + u.apply(genuine.getPrimeQ()) + "\ndq="
                + u.apply(genuine.getPrimeExponentQ()) + "\nqi=" + u.apply(genuine.getCrtCoefficient()) + "\ndp=";
        assertThat(SubtleHost.run("import", jwk + u.apply(genuine.getPrimeExponentP()), NONE, NONE, NONE, NONE))
                .isInstanceOf(CryptoResult.Text.class);
        assertThat(SubtleHost.run("import", jwk + u.apply(hugeDp), NONE, NONE, NONE, NONE))
                .isInstanceOfSatisfying(CryptoResult.Failure.class, f -> assertThat(f.name()).isEqualTo("DataError"));
        // p and q far longer than n are refused by their sizes, before they are multiplied (megabytes
        // each would take seconds); these are short enough to multiply quickly if the order were wrong
        java.math.BigInteger longPrime = java.math.BigInteger.ONE.shiftLeft(1 << 19).add(java.math.BigInteger.ONE);
        String longFactors = jwk.replace("\np=" + u.apply(genuine.getPrimeP()) + "\n", "\np=" + u.apply(longPrime) + "\n")
                .replace("\nq=" + u.apply(genuine.getPrimeQ()) + "\n", "\nq=" + u.apply(longPrime) + "\n");
        assertThat(longFactors).contains("\np=" + u.apply(longPrime) + "\n").contains("\nq=" + u.apply(longPrime) + "\n");
        assertThat(SubtleHost.run("import", longFactors + u.apply(genuine.getPrimeExponentP()), NONE, NONE, NONE, NONE))
                .isInstanceOfSatisfying(CryptoResult.Failure.class, f -> {
                    assertThat(f.name()).isEqualTo("DataError");
                    assertThat(f.message()).contains("its parameters are inconsistent");
                });
    }

    @Test
    void an_ed25519_private_jwk_must_carry_its_own_public_key() {
        // RFC 8032, 7.1, test 1.
        String d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
        String x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
        CryptoResult good = SubtleHost.run("import", "alg=Ed25519\nformat=jwk\nx=" + x + "\nd=" + d, NONE, NONE, NONE, NONE);
        assertThat(good).isInstanceOfSatisfying(CryptoResult.Text.class, t -> assertThat(t.value()).startsWith("type=private\n"));
        String otherX = "A" + x.substring(1);
        CryptoResult bad = SubtleHost.run("import", "alg=Ed25519\nformat=jwk\nx=" + otherX + "\nd=" + d, NONE, NONE, NONE, NONE);
        assertThat(bad).isInstanceOfSatisfying(CryptoResult.Failure.class, f -> assertThat(f.name()).isEqualTo("DataError"));
    }

    @Test
    void the_host_side_keeps_no_state_between_calls() throws ClassNotFoundException {
        // Keys live in their isolates only: nothing here may hold one from one call to the next.
        for (String name : List.of("SubtleHost", "SecretOps", "AesOps", "RsaOps", "EcOps", "EcPoints", "OkpOps", "Params", "Lines")) {
            for (Field field : Class.forName("dev.tenantd.runtime.crypto." + name).getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    assertThat(Modifier.isFinal(field.getModifiers())).as(name + "." + field.getName()).isTrue();
                    assertThat(field.getType().isPrimitive() || field.getType() == String[].class
                            || field.getType() == java.math.BigInteger.class).as(name + "." + field.getName()).isTrue();
                }
            }
        }
    }
}
