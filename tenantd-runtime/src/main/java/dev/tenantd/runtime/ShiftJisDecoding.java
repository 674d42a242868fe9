package dev.tenantd.runtime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Optional;

/**
 * The Encoding Standard's Shift_JIS and EUC-KR decoders, written as the standard's state
 * machines: the JDK's windows-31j refuses byte 0x80 (the standard's U+0080) and its
 * x-windows-949 maps 94 pointers into the private use area where the standard's index
 * euc-kr has none. Shift_JIS reads {@link Iso2022JpDecoding#jis0208}; EUC-KR's index comes
 * from the JDK's x-windows-949 without those private-use code points, built once per process.
 */
final class ShiftJisDecoding {
    private static final int EUC_KR_POINTERS = 126 * 190;

    private ShiftJisDecoding() {
    }

    /** Shift_JIS; empty when {@code fatal} and the input holds an error. */
    static Optional<TextCodecHostCalls.Decoded> shiftJis(byte[] input, boolean fatal, boolean flush) {
        return run(input, fatal, flush, true);
    }

    /** EUC-KR; empty when {@code fatal} and the input holds an error. */
    static Optional<TextCodecHostCalls.Decoded> eucKr(byte[] input, boolean fatal, boolean flush) {
        return run(input, fatal, flush, false);
    }

    private static Optional<TextCodecHostCalls.Decoded> run(byte[] input, boolean fatal, boolean flush, boolean sjis) {
        StringBuilder out = new StringBuilder(input.length);
        int lead = 0;
        int n = input.length;
        int i = 0;
        while (i < n) {
            int b = input[i] & 0xFF;
            int codePoint = -1;
            if (lead != 0) {
                codePoint = sjis ? shiftJisPair(lead, b) : eucKrPair(lead, b);
                lead = 0;
                if (codePoint >= 0 || b >= 0x80) {
                    i++; // an ASCII byte after a broken lead is decoded again
                }
            } else {
                i++;
                if (b < 0x80 || (sjis && b == 0x80)) {
                    codePoint = b;
                } else if (sjis && b >= 0xA1 && b <= 0xDF) {
                    codePoint = 0xFF61 - 0xA1 + b;
                } else if (sjis ? (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC) : b >= 0x81 && b <= 0xFE) {
                    lead = b;
                    continue;
                }
            }
            if (codePoint < 0) {
                if (fatal) {
                    return Optional.empty();
                }
                out.append('\uFFFD');
            } else {
                out.append((char) codePoint);
            }
        }
        if (lead != 0 && flush) {
            if (fatal) {
                return Optional.empty();
            }
            out.append('\uFFFD');
        }
        byte[] carry = lead == 0 || flush ? new byte[0] : new byte[] {(byte) lead};
        return Optional.of(new TextCodecHostCalls.Decoded(out.toString(), carry, 0));
    }

    private static int shiftJisPair(int lead, int b) {
        if (!((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFC))) {
            return -1;
        }
        int pointer = (lead - (lead < 0xA0 ? 0x81 : 0xC1)) * 188 + b - (b < 0x7F ? 0x40 : 0x41);
        if (pointer >= 8836 && pointer <= 10715) {
            return 0xE000 - 8836 + pointer; // the user-defined area
        }
        return Iso2022JpDecoding.jis0208(pointer);
    }

    private static int eucKrPair(int lead, int b) {
        if (b < 0x41 || b > 0xFE) {
            return -1;
        }
        char c = EucKr.INDEX[(lead - 0x81) * 190 + b - 0x41];
        return c == 0 ? -1 : c; // U+0000 marks a pointer without a code point
    }

    private static final class EucKr {
        static final char[] INDEX = new char[EUC_KR_POINTERS];

        static {
            CharsetDecoder decoder = Charset.forName("x-windows-949").newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            for (int pointer = 0; pointer < EUC_KR_POINTERS; pointer++) {
                byte[] bytes = {(byte) (pointer / 190 + 0x81), (byte) (pointer % 190 + 0x41)};
                try {
                    CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
                    char c = chars.length() == 1 ? chars.charAt(0) : '\0';
                    INDEX[pointer] = c >= '\uE000' && c <= '\uF8FF' ? '\0' : c;
                } catch (CharacterCodingException e) {
                    INDEX[pointer] = '\0';
                }
            }
        }
    }
}
