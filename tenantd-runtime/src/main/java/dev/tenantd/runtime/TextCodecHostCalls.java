package dev.tenantd.runtime;

import static dev.tenantd.runtime.JsValues.bytesOf;
import static dev.tenantd.runtime.JsValues.string;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import com.caoccao.javet.values.primitive.V8ValueInteger;
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
 * <p>Every encoding runs as the Encoding Standard's state machine ({@link Gb18030Decoding}
 * for gb18030 and GBK, {@link Iso2022JpDecoding}, {@link EucJpDecoding}, {@link ShiftJisDecoding}
 * for Shift_JIS and EUC-KR, {@link Big5Decoding}) over index tables taken once from the JDK's
 * charsets, corrected where they differ from the standard's.
 */
final class TextCodecHostCalls {
    static final int FATAL = -1;
    static final int TOO_LARGE = -2;

    /** One chunk of an encoding: empty when {@code fatal} and the input holds an error. */
    @FunctionalInterface
    interface Decoding {
        Optional<Decoded> decode(byte[] input, int state, boolean fatal, boolean flush);
    }

    /** The Encoding Standard's names (lowercased) of the encodings decoded here. */
    private static final Map<String, Decoding> DECODINGS = Map.of(
            "gbk", (input, state, fatal, flush) -> Gb18030Decoding.decode(input, fatal, flush), // the standard's GBK decoder is its gb18030 decoder
            "gb18030", (input, state, fatal, flush) -> Gb18030Decoding.decode(input, fatal, flush),
            "big5", (input, state, fatal, flush) -> Big5Decoding.decode(input, fatal, flush),
            "euc-jp", (input, state, fatal, flush) -> EucJpDecoding.decode(input, fatal, flush),
            "iso-2022-jp", Iso2022JpDecoding::decode,
            "shift_jis", (input, state, fatal, flush) -> ShiftJisDecoding.shiftJis(input, fatal, flush),
            "euc-kr", (input, state, fatal, flush) -> ShiftJisDecoding.eucKr(input, fatal, flush));

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
        Optional<Decoding> decoding = decoding(args.length > 0 ? string(args[0]) : "");
        if (decoding.isEmpty() || args.length < 4) {
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
        Optional<Decoded> decoded = decoding.get().decode(input, state, fatal, flush);
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

    /** The decoding of {@code encoding} (the standard's name, lowercased), if it is decoded here. */
    static Optional<Decoding> decoding(String encoding) {
        return Optional.ofNullable(DECODINGS.get(encoding));
    }
}
