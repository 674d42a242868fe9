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
