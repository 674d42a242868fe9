package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytes;
import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.integer;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import dev.tenantd.runtime.crypto.CryptoResult;
import dev.tenantd.runtime.crypto.SubtleHost;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;

/**
 * The host calls behind {@code crypto}: random bytes, digests and Web Crypto's operations
 * ({@link SubtleHost}). They keep nothing between calls and run on the isolate's thread, so
 * their CPU time is the invocation's.
 */
final class CryptoHostCalls {
    /** The digests crypto.subtle.digest offers, by their JCA names (the same as Web Crypto's). */
    private static final Set<String> DIGESTS = Set.of("SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5");
    private static final int MAX_RANDOM_BYTES = 65536;

    private CryptoHostCalls() {
    }

    /** How many times its data a Web Crypto operation holds on the Java heap at most: input, output, the JDK's buffer. */
    static final int COPIES = 3;
    /** The longest parameter text crypto-key.js sends (cryptoKey_MAX_PARAMS). */
    static final int MAX_PARAMS_CHARS = 65536;

    static void bind(Map<HostCall, IsolateShell.HostFunction> target, V8Runtime runtime, BodyBudget bodies) {
        target.put(HostCall.RANDOM_BYTES, args -> {
            byte[] random = new byte[Math.max(0, Math.min(MAX_RANDOM_BYTES, integer(args[0])))];
            RandomHolder.RANDOM.nextBytes(random);
            return bytes(runtime, random);
        });
        target.put(HostCall.DIGEST, args -> {
            String algorithm = string(args[0]);
            if (!DIGESTS.contains(algorithm)) {
                return null; // crypto.js names only these; anything else is refused there
            }
            // Read in place from the isolate's memory: the data may be as large as the isolate's
            // memory limit, and a copy would be that much more of the heap every isolate shares.
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            if (args[1] instanceof V8ValueArrayBuffer data) {
                digest.update(data.getByteBuffer().duplicate());
            }
            return bytes(runtime, digest.digest());
        });
        target.put(HostCall.CRYPTO, args -> {
            if (args.length < 6) {
                return null;
            }
            // The operation's data is copied onto the Java heap, and its result and the JDK's own
            // buffers (AES-GCM holds what it decrypts) take as much again: up to the isolate's
            // memory limit, a few times over, per JS thread. Large data counts against the budget
            // every isolate's bodies share while the call runs.
            long size = 0;
            for (int i = 2; i < 6; i++) {
                size += JsValues.byteLength(args[i]);
            }
            String params = string(args[1]);
            if (params.length() > MAX_PARAMS_CHARS) {
                // crypto-key.js refuses longer ones: its split and decoding would copy it a few times.
                return runtime.createV8ValueString("\0DataError\0The operation's parameters are too long.");
            }
            long counted = size >= BodyBudget.COUNTED_FROM ? size * COPIES : 0;
            if (counted > 0 && !bodies.reserve(counted)) {
                return runtime.createV8ValueString("\0OperationError\0" + bodies.refusal(counted));
            }
            try {
                return switch (SubtleHost.run(string(args[0]), params, bytesOf(args[2]), bytesOf(args[3]),
                        bytesOf(args[4]), bytesOf(args[5]))) {
                    case CryptoResult.Bytes b -> bytes(runtime, b.value());
                    case CryptoResult.Text t -> runtime.createV8ValueString(t.value());
                    case CryptoResult.Failure f -> runtime.createV8ValueString("\0" + f.name() + "\0" + f.message());
                };
            } finally {
                bodies.unreserve(counted);
            }
        });
    }

    private static final class RandomHolder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
