package dev.tenantd.runtime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Encoding Standard's gb18030 decoder (also its GBK decoder), written as the standard's
 * state machine: the JDK's GB18030 decoder gives up differently on broken four-byte sequences
 * and does not know byte 0x80. The JDK answers only the index lookups, through two tables built
 * from it once per process (two-byte pointers, and four-byte pointers below U+10000), which match
 * the standard's indexes but for one pointer.
 */
final class Gb18030Decoding {
    private static final int TWO_BYTE_POINTERS = 126 * 190;
    private static final int BMP_FOUR_BYTE_POINTERS = 39420;

    private Gb18030Decoding() {
    }

    /** Empty when {@code fatal} and the input holds an error. */
    static Optional<TextCodecHostCalls.Decoded> decode(byte[] input, boolean fatal, boolean flush) {
        StringBuilder out = new StringBuilder(input.length);
        int first = 0;
        int second = 0;
        int third = 0;
        int n = input.length;
        int i = 0;
        while (i < n) {
            int b = input[i] & 0xFF;
            int codePoint = -1;
            boolean error = false;
            if (third != 0) {
                if (b < 0x30 || b > 0x39) {
                    error = true;
                    i -= 2; // the second, third and this byte are decoded again
                } else {
                    codePoint = fourByte(((first - 0x81) * 12600) + ((second - 0x30) * 1260) + ((third - 0x81) * 10) + b - 0x30);
                    error = codePoint < 0;
                    i++;
                }
                first = second = third = 0;
            } else if (second != 0) {
                if (b >= 0x81 && b <= 0xFE) {
                    third = b;
                    i++;
                    continue;
                }
                first = second = 0;
                error = true;
                i -= 1; // the second and this byte are decoded again
            } else if (first != 0) {
                if (b >= 0x30 && b <= 0x39) {
                    second = b;
                    i++;
                    continue;
                }
                int lead = first;
                first = 0;
                if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) {
                    codePoint = Tables.TWO_BYTE[(lead - 0x81) * 190 + b - (b < 0x7F ? 0x40 : 0x41)];
                    codePoint = codePoint == 0 ? -1 : codePoint;
                }
                error = codePoint < 0;
                if (!error || b >= 0x80) {
                    i++; // an ASCII byte after a broken lead is decoded again
                }
            } else {
                i++;
                if (b < 0x80) {
                    codePoint = b;
                } else if (b == 0x80) {
                    codePoint = 0x20AC;
                } else if (b <= 0xFE) {
                    first = b;
                    continue;
                } else {
                    error = true;
                }
            }
            if (error) {
                if (fatal) {
                    return Optional.empty();
                }
                out.append('\uFFFD');
            } else {
                out.appendCodePoint(codePoint);
            }
        }
        int pending = (first != 0 ? 1 : 0) + (second != 0 ? 1 : 0) + (third != 0 ? 1 : 0);
        if (pending > 0 && flush) {
            if (fatal) {
                return Optional.empty();
            }
            out.append('\uFFFD');
        }
        byte[] carry = flush ? new byte[0] : Arrays.copyOfRange(input, n - pending, n);
        return Optional.of(new TextCodecHostCalls.Decoded(out.toString(), carry, 0));
    }

    /** The index gb18030 ranges code point of a four-byte pointer, or -1. */
    private static int fourByte(int pointer) {
        if ((pointer > 39419 && pointer < 189000) || pointer > 1237575) {
            return -1;
        }
        if (pointer >= 189000) {
            return 0x10000 + pointer - 189000;
        }
        if (pointer == 7457) {
            return 0xE7C7;
        }
        int codePoint = Tables.FOUR_BYTE[pointer];
        return codePoint == 0 ? -1 : codePoint;
    }

    /** Built on first use; U+0000 (never a multi-byte character) marks a pointer without a code point. */
    private static final class Tables {
        static final char[] TWO_BYTE = new char[TWO_BYTE_POINTERS];
        static final char[] FOUR_BYTE = new char[BMP_FOUR_BYTE_POINTERS];

        static {
            CharsetDecoder decoder = Charset.forName("GB18030").newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            for (int pointer = 0; pointer < TWO_BYTE_POINTERS; pointer++) {
                int trail = pointer % 190;
                TWO_BYTE[pointer] = single(decoder, (byte) (pointer / 190 + 0x81),
                        (byte) (trail + (trail < 0x3F ? 0x40 : 0x41)));
            }
            for (int pointer = 0; pointer < BMP_FOUR_BYTE_POINTERS; pointer++) {
                FOUR_BYTE[pointer] = single(decoder, (byte) (pointer / 12600 + 0x81), (byte) (pointer / 1260 % 10 + 0x30),
                        (byte) (pointer / 10 % 126 + 0x81), (byte) (pointer % 10 + 0x30));
            }
            // The JDK follows GB18030-2022 as the standard does, but for 0xA3 0xA0, which the
            // standard's index maps to U+3000 rather than to the private use area.
            TWO_BYTE[6555] = '\u3000';
            // GB18030-2022 gave U+9FB4..U+9FBB and U+FE10..U+FE19 two-byte codes, and the JDK now
            // decodes their four-byte codes as the private use characters those two-byte codes
            // stood for before; the standard's index gb18030 ranges still gives the characters.
            for (int i = 0; i < 8; i++) {
                FOUR_BYTE[pointer(0x82, 0x35, 0x90, 0x37) + i] = (char) (0x9FB4 + i);
            }
            for (int i = 0; i < 10; i++) {
                FOUR_BYTE[pointer(0x84, 0x31, 0x82, 0x36) + i] = (char) (0xFE10 + i);
            }
        }

        private static int pointer(int first, int second, int third, int fourth) {
            return (first - 0x81) * 12600 + (second - 0x30) * 1260 + (third - 0x81) * 10 + (fourth - 0x30);
        }

        private static char single(CharsetDecoder decoder, byte... bytes) {
            try {
                CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
                return chars.length() == 1 ? chars.charAt(0) : '\0';
            } catch (CharacterCodingException e) {
                return '\0';
            }
        }
    }
}
