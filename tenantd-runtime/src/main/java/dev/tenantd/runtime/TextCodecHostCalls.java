package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import com.caoccao.javet.values.primitive.V8ValueInteger;
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
 * <p>{@code textDecode(encoding, bytes, fatal, flush, state)} answers a string: its first code
 * unit is the state the next chunk starts in (ISO-2022-JP's mode; 0 for the others), the second
 * a count n, the next n code units are bytes for the caller to put before its next chunk (an
 * incomplete sequence at the end), and the rest is the text; {@link #FATAL} when {@code fatal} is true
 * and the input holds an error; {@link #TOO_LARGE} when the input is larger than the isolate's
 * memory limit could hold once decoded.
 *
 * <p>Every encoding but Big5 runs as the Encoding Standard's state machine ({@link Gb18030Decoding}
 * for gb18030 and GBK, {@link Iso2022JpDecoding}, {@link EucJpDecoding}, {@link ShiftJisDecoding}
 * for Shift_JIS and EUC-KR) over index tables taken once from the JDK's charsets. Big5 uses the
 * JDK's Big5-HKSCS decoder, where each error becomes one U+FFFD and an ASCII byte after a broken
 * lead is decoded again rather than swallowed, as in the standard; its index lacks some 140 of
 * the standard's code points.
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
            return runtime.createV8ValueString("\0\0"); // encoding.js names only the encodings above
        }
        // A decoded string takes two bytes per code unit and has about one code unit per input
        // byte: an input it could not fit into the limit is refused before anything is allocated.
        if (JsValues.byteLength(args[1]) * 2 > limitBytes) {
            return runtime.createV8ValueInteger(TOO_LARGE);
        }
        byte[] input = bytesOf(args[1]);
        boolean fatal = args[2] instanceof V8ValueBoolean b && b.getValue();
        boolean flush = args[3] instanceof V8ValueBoolean b && b.getValue();
        int state = args.length > 4 && args[4] instanceof V8ValueInteger i ? i.getValue() & 7 : 0;
        Optional<Decoded> decoded = decode(charset.get(), input, state, fatal, flush);
        if (decoded.isEmpty()) {
            return runtime.createV8ValueInteger(FATAL);
        }
        byte[] carry = decoded.get().carry();
        StringBuilder answer = new StringBuilder(2 + carry.length + decoded.get().text().length());
        answer.append((char) decoded.get().state()).append((char) carry.length);
        for (byte b : carry) {
            answer.append((char) (b & 0xFF));
        }
        return runtime.createV8ValueString(answer.append(decoded.get().text()).toString());
    }

    /**
     * The text of {@code input}, the bytes to put before the next chunk, and the state the next
     * chunk starts in (0 but for ISO-2022-JP).
     */
    record Decoded(String text, byte[] carry, int state) {
    }

    static Optional<Charset> charset(String encoding) {
        String name = JDK_NAMES.get(encoding);
        return name != null && Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
    }

    /** Decodes one chunk; empty when {@code fatal} and the input holds an error. */
    static Optional<Decoded> decode(Charset charset, byte[] input, int state, boolean fatal, boolean flush) {
        return switch (charset.name()) {
            case "GB18030" -> Gb18030Decoding.decode(input, fatal, flush);
            case "ISO-2022-JP" -> Iso2022JpDecoding.decode(input, state, fatal, flush);
            case "EUC-JP" -> EucJpDecoding.decode(input, fatal, flush);
            case "windows-31j" -> ShiftJisDecoding.shiftJis(input, fatal, flush);
            case "x-windows-949" -> ShiftJisDecoding.eucKr(input, fatal, flush);
            default -> jdkDecode(charset, input, fatal, flush);
        };
    }

    /** Decodes with the JDK's decoder; empty when {@code fatal} and the input holds an error. */
    private static Optional<Decoded> jdkDecode(Charset charset, byte[] input, boolean fatal, boolean flush) {
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
        byte[] carry = new byte[flush ? 0 : in.remaining()];
        in.get(carry);
        return Optional.of(new Decoded(out.toString(), carry, 0));
    }

    private static CharBuffer grow(CharBuffer out, int more) {
        CharBuffer larger = CharBuffer.allocate(out.capacity() + Math.max(16, more + 16));
        out.flip();
        larger.put(out);
        return larger;
    }
}
