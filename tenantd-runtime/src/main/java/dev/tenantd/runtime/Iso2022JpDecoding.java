package dev.tenantd.runtime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Optional;

/**
 * The Encoding Standard's ISO-2022-JP decoder, written as the standard's state machine: the
 * JDK's decoder accepts SO/SI and escape sequences the standard calls errors. The JIS X 0208
 * index comes from the JDK's windows-31j tables (the standard's Shift_JIS reads the same index),
 * built once per process.
 *
 * <p>Between streaming chunks the caller keeps a state number (the mode, plus 4 when the output
 * flag is set) and the bytes of an unfinished escape sequence or character, which are decoded
 * again in front of the next chunk.
 */
final class Iso2022JpDecoding {
    private static final int ASCII = 0;
    private static final int ROMAN = 1;
    private static final int KATAKANA = 2;
    private static final int LEAD = 3;
    private static final int TRAIL = 4;
    private static final int ESCAPE_START = 5;
    private static final int ESCAPE = 6;
    /** Pointers of index jis0208 that Shift_JIS can reach (ISO-2022-JP and EUC-JP reach 94 × 94). */
    private static final int JIS0208_POINTERS = 60 * 188;

    private Iso2022JpDecoding() {
    }

    /** Empty when {@code fatal} and the input holds an error. */
    static Optional<TextCodecHostCalls.Decoded> decode(byte[] input, int startState, boolean fatal, boolean flush) {
        StringBuilder out = new StringBuilder(input.length);
        int mode = startState & 3;
        boolean outputFlag = (startState & 4) != 0;
        int state = mode;
        int lead = 0;
        int n = input.length;
        int i = 0;
        while (true) {
            boolean end = i >= n;
            if (end && (!flush || state <= LEAD)) {
                break;
            }
            int b = end ? -1 : input[i] & 0xFF;
            int codePoint = -1;
            boolean error = false;
            switch (state) {
                case ASCII, ROMAN, KATAKANA, LEAD -> {
                    i++;
                    if (b == 0x1B) {
                        state = ESCAPE_START;
                        continue;
                    }
                    outputFlag = false;
                    codePoint = inMode(state, b);
                    if (state == LEAD && codePoint >= 0) {
                        lead = b;
                        state = TRAIL;
                        continue;
                    }
                    error = codePoint < 0;
                }
                case TRAIL -> {
                    state = LEAD;
                    if (b == 0x1B) {
                        state = ESCAPE_START;
                        i++;
                    } else if (b >= 0x21 && b <= 0x7E) {
                        codePoint = jis0208((lead - 0x21) * 94 + b - 0x21);
                        i++;
                    } else if (!end) {
                        i++;
                    }
                    error = codePoint < 0;
                }
                case ESCAPE_START -> {
                    if (b == 0x24 || b == 0x28) {
                        lead = b;
                        state = ESCAPE;
                        i++;
                        continue;
                    }
                    outputFlag = false;
                    state = mode;
                    error = true; // this byte is decoded again
                }
                default -> {
                    int next = escape(lead, b);
                    if (next >= 0) {
                        i++;
                        state = mode = next;
                        boolean output = outputFlag;
                        outputFlag = true;
                        if (!output) {
                            continue;
                        }
                        error = true;
                    } else {
                        i -= 1; // the lead ('$' or '(') is decoded again, then this byte
                        outputFlag = false;
                        state = mode;
                        error = true;
                    }
                }
            }
            if (error) {
                if (fatal) {
                    return Optional.empty();
                }
                out.append('\uFFFD');
            } else {
                out.append((char) codePoint);
            }
        }
        if (flush) {
            return Optional.of(new TextCodecHostCalls.Decoded(out.toString(), new byte[0], 0));
        }
        byte[] carry = switch (state) {
            case TRAIL -> new byte[] {(byte) lead};
            case ESCAPE_START -> new byte[] {0x1B};
            case ESCAPE -> new byte[] {0x1B, (byte) lead};
            default -> new byte[0];
        };
        int resume = state == TRAIL ? LEAD : mode;
        return Optional.of(new TextCodecHostCalls.Decoded(out.toString(), carry, resume | (outputFlag ? 4 : 0)));
    }

    /** The code point of a byte in a mode (for LEAD: the byte itself when it may lead), or -1. */
    private static int inMode(int mode, int b) {
        return switch (mode) {
            case ASCII -> b >= 0 && b <= 0x7F && b != 0x0E && b != 0x0F ? b : -1;
            case ROMAN -> b == 0x5C ? 0xA5 : b == 0x7E ? 0x203E : b >= 0 && b <= 0x7F && b != 0x0E && b != 0x0F ? b : -1;
            case KATAKANA -> b >= 0x21 && b <= 0x5F ? 0xFF61 - 0x21 + b : -1;
            default -> b >= 0x21 && b <= 0x7E ? b : -1;
        };
    }

    /** The mode an escape sequence ESC lead b switches to, or -1. */
    private static int escape(int lead, int b) {
        if (lead == 0x28) {
            return b == 0x42 ? ASCII : b == 0x4A ? ROMAN : b == 0x49 ? KATAKANA : -1;
        }
        return b == 0x40 || b == 0x42 ? LEAD : -1;
    }

    /** The index jis0208 code point of a pointer below 11280, or -1. */
    static int jis0208(int pointer) {
        char c = Tables.JIS0208[pointer];
        return c == 0 ? -1 : c; // U+0000 marks a pointer without a code point
    }

    private static final class Tables {
        static final char[] JIS0208 = new char[JIS0208_POINTERS];

        static {
            CharsetDecoder decoder = Charset.forName("windows-31j").newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            for (int pointer = 0; pointer < JIS0208_POINTERS; pointer++) {
                int lead = pointer / 188;
                int trail = pointer % 188;
                byte[] sjis = {(byte) (lead + (lead < 0x1F ? 0x81 : 0xC1)), (byte) (trail + (trail < 0x3F ? 0x40 : 0x41))};
                try {
                    CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(sjis));
                    JIS0208[pointer] = chars.length() == 1 && chars.charAt(0) != '\uFFFD' ? chars.charAt(0) : '\0';
                } catch (CharacterCodingException e) {
                    JIS0208[pointer] = '\0';
                }
            }
        }
    }
}
