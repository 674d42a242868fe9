package dev.tenantd.runtime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Optional;

/**
 * The Encoding Standard's EUC-JP decoder, written as the standard's state machine: the JDK's
 * EUC-JP reads JIS X 0208 with other mappings than the standard's index (which is the one
 * Shift_JIS and ISO-2022-JP read, {@link Iso2022JpDecoding#jis0208}). JIS X 0212 comes from the
 * JDK's EUC-JP, whose three-byte form matches the standard's index jis0212.
 */
final class EucJpDecoding {
    private static final int POINTERS = 94 * 94;

    private EucJpDecoding() {
    }

    /** Empty when {@code fatal} and the input holds an error. */
    static Optional<TextCodecHostCalls.Decoded> decode(byte[] input, boolean fatal, boolean flush) {
        StringBuilder out = new StringBuilder(input.length);
        int lead = 0;
        boolean jis0212 = false;
        int n = input.length;
        int i = 0;
        while (i < n) {
            int b = input[i] & 0xFF;
            int codePoint = -1;
            if (lead == 0x8E && b >= 0xA1 && b <= 0xDF) {
                lead = 0;
                codePoint = 0xFF61 - 0xA1 + b;
                i++;
            } else if (lead == 0x8F && b >= 0xA1 && b <= 0xFE) {
                jis0212 = true;
                lead = b;
                i++;
                continue;
            } else if (lead != 0) {
                int l = lead;
                lead = 0;
                if (l >= 0xA1 && l <= 0xFE && b >= 0xA1 && b <= 0xFE) {
                    int pointer = (l - 0xA1) * 94 + b - 0xA1;
                    codePoint = jis0212 ? Tables.jis0212(pointer) : Iso2022JpDecoding.jis0208(pointer);
                }
                jis0212 = false;
                if (codePoint >= 0 || b >= 0x80) {
                    i++; // an ASCII byte after a broken lead is decoded again
                }
            } else {
                i++;
                if (b < 0x80) {
                    codePoint = b;
                } else if (b == 0x8E || b == 0x8F || (b >= 0xA1 && b <= 0xFE)) {
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
        byte[] carry = lead == 0 || flush ? new byte[0]
                : jis0212 ? new byte[] {(byte) 0x8F, (byte) lead} : new byte[] {(byte) lead};
        return Optional.of(new TextCodecHostCalls.Decoded(out.toString(), carry, 0));
    }

    private static final class Tables {
        static final char[] JIS0212 = new char[POINTERS];

        static {
            CharsetDecoder decoder = Charset.forName("EUC-JP").newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            for (int pointer = 0; pointer < POINTERS; pointer++) {
                byte[] bytes = {(byte) 0x8F, (byte) (pointer / 94 + 0xA1), (byte) (pointer % 94 + 0xA1)};
                try {
                    CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
                    JIS0212[pointer] = chars.length() == 1 ? chars.charAt(0) : '\0';
                } catch (CharacterCodingException e) {
                    JIS0212[pointer] = '\0';
                }
            }
        }

        static int jis0212(int pointer) {
            char c = JIS0212[pointer];
            return c == 0 ? -1 : c; // U+0000 marks a pointer without a code point
        }
    }
}
