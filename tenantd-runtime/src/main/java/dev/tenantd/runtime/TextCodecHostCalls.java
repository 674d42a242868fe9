package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.Map;
import java.util.Optional;

/**
 * The host call behind TextDecoder's multi-byte legacy encodings ({@code encoding.js}): their
 * indexes are tens of thousands of entries each, too large to carry in every isolate, and the
 * JDK has decoders for all of them. One call decodes one chunk and keeps nothing.
 *
 * <p>{@code textDecode(encoding, bytes, fatal, flush)} answers a string: its first code unit is a
 * count n, the next n code units are bytes for the caller to put before its next chunk (an
 * incomplete sequence at the end, and for ISO-2022-JP the escape sequence of the mode the chunk
 * ended in, since the next call starts a fresh decoder), and the rest is the text; {@link #FATAL} when {@code fatal} is true
 * and the input holds an error; {@link #TOO_LARGE} when the input is larger than the isolate's
 * memory limit could hold once decoded.
 *
 * <p>Errors follow the Encoding Standard's decoders: each becomes one U+FFFD, and a byte after
 * the first of a broken sequence that is ASCII is decoded again rather than swallowed.
 */
final class TextCodecHostCalls {
    static final int FATAL = -1;
    static final int TOO_LARGE = -2;

    /** The Encoding Standard's name (lowercased) to the JDK decoder closest to its index. */
    private static final Map<String, String> JDK_NAMES = Map.of(
            "gbk", "GB18030", // the standard's GBK decoder is its gb18030 decoder
            "gb18030", "GB18030",
            "big5", "Big5-HKSCS",
            "euc-jp", "EUC-JP",
            "iso-2022-jp", "ISO-2022-JP",
            "shift_jis", "windows-31j",
            "euc-kr", "x-windows-949");

    private final V8Runtime runtime;
    private final long limitBytes;

    private TextCodecHostCalls(V8Runtime runtime, long limitBytes) {
        this.runtime = runtime;
        this.limitBytes = limitBytes;
    }

    /** Adds {@code textDecode}; {@code limitBytes} is the isolate's memory limit. */
    static void bind(Map<HostCall, IsolateShell.HostFunction> target, V8Runtime runtime, long limitBytes) {
        TextCodecHostCalls calls = new TextCodecHostCalls(runtime, limitBytes);
        target.put(HostCall.TEXT_DECODE, calls::decode);
    }

    private V8Value decode(V8Value[] args) throws JavetException {
        Optional<Charset> charset = charset(args.length > 0 ? string(args[0]) : "");
        if (charset.isEmpty() || args.length < 4) {
            return runtime.createV8ValueString("\0");
        }
        // A decoded string takes two bytes per code unit, at most one code unit per input byte
        // plus one U+FFFD per error: refused before anything is allocated for it.
        if (JsValues.byteLength(args[1]) * 2 > limitBytes) {
            return runtime.createV8ValueInteger(TOO_LARGE);
        }
        byte[] input = bytesOf(args[1]);
        boolean fatal = args[2] instanceof V8ValueBoolean b && b.getValue();
        boolean flush = args[3] instanceof V8ValueBoolean b && b.getValue();
        Optional<Decoded> decoded = decode(charset.get(), input, fatal, flush);
        if (decoded.isEmpty()) {
            return runtime.createV8ValueInteger(FATAL);
        }
        byte[] carry = decoded.get().carry();
        StringBuilder answer = new StringBuilder(1 + carry.length + decoded.get().text().length());
        answer.append((char) carry.length);
        for (byte b : carry) {
            answer.append((char) (b & 0xFF));
        }
        return runtime.createV8ValueString(answer.append(decoded.get().text()).toString());
    }

    /** The text of {@code input} and the bytes to put before the next chunk. */
    record Decoded(String text, byte[] carry) {
    }

    static Optional<Charset> charset(String encoding) {
        String name = JDK_NAMES.get(encoding);
        return name != null && Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
    }

    /** Decodes in one pass; empty when {@code fatal} and the input holds an error. */
    static Optional<Decoded> decode(Charset charset, byte[] input, boolean fatal, boolean flush) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(input);
        CharBuffer out = CharBuffer.allocate(input.length + 16);
        while (true) {
            CoderResult result = decoder.decode(in, out, flush);
            if (result.isUnderflow()) {
                break;
            }
            if (result.isOverflow()) {
                out = grow(out, in.remaining());
                continue;
            }
            if (fatal) {
                return Optional.empty();
            }
            int length = result.length();
            int at = in.position();
            // The standard's decoders give an ASCII byte that ends a broken sequence back to the
            // input, so that a lost lead byte does not take the character after it along.
            int skip = length > 1 && (input[at + 1] & 0xFF) < 0x80 ? 1 : length;
            in.position(Math.min(input.length, at + skip));
            if (!out.hasRemaining()) {
                out = grow(out, in.remaining());
            }
            out.put('\uFFFD');
        }
        if (flush) {
            while (decoder.flush(out).isOverflow()) {
                out = grow(out, 16);
            }
        }
        out.flip();
        if (flush) {
            return Optional.of(new Decoded(out.toString(), new byte[0]));
        }
        byte[] mode = charset.name().equals("ISO-2022-JP") ? lastEscape(input, in.position()) : new byte[0];
        byte[] carry = java.util.Arrays.copyOf(mode, mode.length + in.remaining());
        in.get(carry, mode.length, in.remaining());
        return Optional.of(new Decoded(out.toString(), carry));
    }

    /** The last ISO-2022-JP escape sequence (ESC, then "(B", "(J", "(I", "$@" or "$B") before {@code end}. */
    private static byte[] lastEscape(byte[] input, int end) {
        for (int i = end - 3; i >= 0; i--) {
            if (input[i] == 0x1B && ((input[i + 1] == '(' && (input[i + 2] == 'B' || input[i + 2] == 'J'
                    || input[i + 2] == 'I')) || (input[i + 1] == '$' && (input[i + 2] == '@' || input[i + 2] == 'B')))) {
                return new byte[] {input[i], input[i + 1], input[i + 2]};
            }
        }
        return new byte[0];
    }

    private static CharBuffer grow(CharBuffer out, int more) {
        CharBuffer larger = CharBuffer.allocate(out.capacity() + Math.max(16, more + 16));
        out.flip();
        larger.put(out);
        return larger;
    }
}
