package dev.tenantd.runtime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Optional;

/**
 * The Encoding Standard's Big5 decoder, written as the standard's state machine over its index
 * big5. The index is taken once from the JDK's Big5-HKSCS, which agrees with it at all but 140
 * pointers: those are {@link Tables#OVERRIDES}, taken from the standard's index-big5.txt (120
 * Hong Kong code points the JDK does not map and 20 it maps elsewhere). Four pointers decode to
 * two code points each, as the standard says.
 */
final class Big5Decoding {
    private static final int POINTERS = (0xFE - 0x81 + 1) * 157;

    private Big5Decoding() {
    }

    /** Empty when {@code fatal} and the input holds an error. */
    static Optional<TextCodecHostCalls.Decoded> decode(byte[] input, boolean fatal, boolean flush) {
        StringBuilder out = new StringBuilder(input.length);
        int lead = 0;
        int n = input.length;
        int i = 0;
        while (i < n) {
            int b = input[i] & 0xFF;
            int codePoint = -1;
            if (lead != 0) {
                int l = lead;
                lead = 0;
                int offset = b < 0x7F ? 0x40 : 0x62;
                if ((b >= 0x40 && b <= 0x7E) || (b >= 0xA1 && b <= 0xFE)) {
                    int pointer = (l - 0x81) * 157 + (b - offset);
                    String pair = pair(pointer);
                    if (pair != null) {
                        out.append(pair);
                        i++;
                        continue;
                    }
                    codePoint = Tables.codePoint(pointer);
                }
                if (codePoint >= 0 || b >= 0x80) {
                    i++; // an ASCII byte after a broken lead is decoded again
                }
            } else {
                i++;
                if (b < 0x80) {
                    codePoint = b;
                } else if (b >= 0x81 && b <= 0xFE) {
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
                out.appendCodePoint(codePoint);
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

    /** The four pointers that decode to a letter and a combining mark, or null. */
    private static String pair(int pointer) {
        return switch (pointer) {
            case 1133 -> "\u00CA\u0304";
            case 1135 -> "\u00CA\u030C";
            case 1164 -> "\u00EA\u0304";
            case 1166 -> "\u00EA\u030C";
            default -> null;
        };
    }

    private static final class Tables {
        /** Pointer, code point: where the standard's index differs from the JDK's Big5-HKSCS. */
        static final int[] OVERRIDES = {
            2082, 0x7BB8, 2088, 0x7C06, 2103, 0x7CCE, 2114, 0x7DD2, 2123, 0x7E1D, 2148, 0x8005,
            2151, 0x8028, 2221, 0x83C1, 2239, 0x84A8, 2244, 0x840F, 2303, 0x89A6, 2304, 0x89A9,
            2354, 0x8D77, 2400, 0x90FD, 2413, 0x92B9, 2477, 0x975C, 2498, 0x97FF, 2605, 0x9F16,
            2673, 0x8503, 2746, 0x5159, 2747, 0x515B, 2748, 0x515D, 2749, 0x515E, 2771, 0x936E,
            2780, 0x7479, 2990, 0x6D67, 3087, 0x799B, 3259, 0x9097, 3301, 0x975D, 3436, 0x701E,
            3451, 0x5B28, 4136, 0x7201, 4138, 0x77D7, 4141, 0x7E87, 4182, 0x99D6, 4206, 0x91D4,
            4220, 0x60DE, 4230, 0x6FB6, 4241, 0x8F36, 4258, 0x4FBB, 4273, 0x71DF, 4279, 0x9104,
            4282, 0x9DF0, 4294, 0x83CF, 4329, 0x5C10, 4330, 0x79E3, 4349, 0x5A67, 4419, 0x8F0B,
            4422, 0x7B51, 4494, 0x62D0, 4624, 0x6062, 4694, 0x75F9, 4708, 0x6C4A, 4742, 0x9B2E,
            4748, 0x9F17, 4815, 0x50ED, 4828, 0x5F0C, 4902, 0x880F, 4922, 0x62CE, 4982, 0x7468,
            4992, 0x7162, 4997, 0x7250, 5029, 0x2027, 5038, 0xFE51, 5050, 0x2574, 5120, 0xAF,
            5121, 0xFFE3, 5123, 0x2CD, 5153, 0xFF5E, 5168, 0x2295, 5169, 0x2299, 5180, 0xFF0F,
            5181, 0xFF3C, 5182, 0x2215, 5183, 0xFE68, 5185, 0xFFE5, 5187, 0xFFE0, 5188, 0xFFE1,
            5432, 0x2400, 5433, 0x2401, 5434, 0x2402, 5435, 0x2403, 5436, 0x2404, 5437, 0x2405,
            5438, 0x2406, 5439, 0x2407, 5440, 0x2408, 5441, 0x2409, 5442, 0x240A, 5443, 0x240B,
            5444, 0x240C, 5445, 0x240D, 5446, 0x240E, 5447, 0x240F, 5448, 0x2410, 5449, 0x2411,
            5450, 0x2412, 5451, 0x2413, 5452, 0x2414, 5453, 0x2415, 5454, 0x2416, 5455, 0x2417,
            5456, 0x2418, 5457, 0x2419, 5458, 0x241A, 5459, 0x241B, 5460, 0x241C, 5461, 0x241D,
            5462, 0x241E, 5463, 0x241F, 5464, 0x2421, 5465, 0x20AC, 10942, 0x5EF4, 10946, 0x65E0,
            10948, 0x7676, 10950, 0x96B6, 10957, 0x3003, 10958, 0x4EDD, 19028, 0x5029, 19035, 0x507D,
            19088, 0x5305, 19096, 0x5344, 19112, 0x537F, 19162, 0x5605, 19240, 0x5A77, 19299, 0x5E75,
            19305, 0x5ED0, 19326, 0x5F58, 19355, 0x60A4, 19398, 0x6490, 19439, 0x6674, 19454, 0x675E,
            19553, 0x6C9C, 19554, 0x6E1D, 19557, 0x6E2F, 19611, 0x716E, 19643, 0x732A, 19672, 0x745C,
            19697, 0x74E9, 19748, 0x7809,
        };

        static final int[] INDEX = new int[POINTERS];

        static {
            CharsetDecoder decoder = Charset.forName("Big5-HKSCS").newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            for (int pointer = 0; pointer < POINTERS; pointer++) {
                int trail = pointer % 157;
                byte[] bytes = {(byte) (pointer / 157 + 0x81), (byte) (trail + (trail < 0x3F ? 0x40 : 0x62))};
                try {
                    CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
                    String text = chars.toString();
                    INDEX[pointer] = text.codePointCount(0, text.length()) == 1 ? text.codePointAt(0) : -1;
                } catch (CharacterCodingException e) {
                    INDEX[pointer] = -1;
                }
            }
            for (int i = 0; i < OVERRIDES.length; i += 2) {
                INDEX[OVERRIDES[i]] = OVERRIDES[i + 1];
            }
        }

        static int codePoint(int pointer) {
            return INDEX[pointer];
        }
    }
}
