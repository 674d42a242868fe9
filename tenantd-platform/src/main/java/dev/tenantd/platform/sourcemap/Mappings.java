package dev.tenantd.platform.sourcemap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code mappings} string's decoder (Base64 VLQ, as the Source Map v3 specification defines it). */
final class Mappings {
    static final int FIELDS = 5;
    /** What {@link #vlq} gives for no value; a value has at most 35 bits, so it is never this. */
    private static final long INVALID = Long.MIN_VALUE;
    private static final int[] NO_SEGMENTS = new int[0];
    private static final int[] DIGITS = new int[128];

    static {
        Arrays.fill(DIGITS, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DIGITS[alphabet.charAt(i)] = i;
        }
    }

    private final String text;
    private int pos;

    private Mappings(String text) {
        this.text = text;
    }

    /** The segments of every line, or empty when the text is not well-formed. */
    static Optional<int[][]> decode(String text) {
        return new Mappings(text).lines();
    }

    private Optional<int[][]> lines() {
        List<int[]> lines = new ArrayList<>();
        int[] current = new int[FIELDS * 8];
        int used = 0;
        int segments = 0;
        // Source, original line and column, and name are relative to the previous segment
        // anywhere in the map; the generated column only within its line.
        long source = 0;
        long originalLine = 0;
        long originalColumn = 0;
        long name = 0;
        long column = 0;
        boolean sorted = true;
        long[] fields = new long[FIELDS];
        while (pos <= text.length()) {
            char c = pos < text.length() ? text.charAt(pos) : ';';
            if (c == ';' || c == ',') {
                pos++;
                if (c == ';') {
                    if (lines.size() == SourceMap.MAX_LINES) {
                        return Optional.empty();
                    }
                    lines.add(finish(current, used, sorted));
                    used = 0;
                    column = 0;
                    sorted = true;
                }
                continue;
            }
            int count = 0;
            while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != ';') {
                if (count == FIELDS) {
                    return Optional.empty();
                }
                long value = vlq();
                if (value == INVALID) {
                    return Optional.empty();
                }
                fields[count++] = value;
            }
            if (count != 1 && count != 4 && count != FIELDS) {
                return Optional.empty();
            }
            if (++segments > SourceMap.MAX_SEGMENTS) {
                return Optional.empty();
            }
            long previousColumn = column;
            column += fields[0];
            sorted &= column >= previousColumn;
            if (used + FIELDS > current.length) {
                current = Arrays.copyOf(current, current.length * 2);
            }
            current[used] = clamp(column);
            current[used + 1] = -1;
            current[used + 2] = -1;
            current[used + 3] = -1;
            current[used + 4] = -1;
            if (count >= 4) {
                source += fields[1];
                originalLine += fields[2];
                originalColumn += fields[3];
                current[used + 1] = clamp(source);
                current[used + 2] = clamp(originalLine);
                current[used + 3] = clamp(originalColumn);
                if (count == FIELDS) {
                    name += fields[4];
                    current[used + 4] = clamp(name);
                }
            }
            used += FIELDS;
        }
        return Optional.of(lines.toArray(int[][]::new));
    }

    /** One line's segments, sorted by generated column (a map may list them out of order). */
    private static int[] finish(int[] segments, int used, boolean sorted) {
        if (used == 0) {
            return NO_SEGMENTS;
        }
        int[] line = Arrays.copyOf(segments, used);
        if (sorted) {
            return line;
        }
        Integer[] order = new Integer[used / FIELDS];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(line[a * FIELDS], line[b * FIELDS]));
        int[] out = new int[used];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(line, order[i] * FIELDS, out, i * FIELDS, FIELDS);
        }
        return out;
    }

    /** A value out of int range is absurd in a map: it becomes -1, which maps nothing. */
    private static int clamp(long value) {
        return value < 0 || value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    /**
     * One Base64 VLQ value: 5 data bits per digit, least significant first, the digit's
     * sixth bit saying another follows; the lowest bit of the whole is the sign. Empty for a
     * character outside the alphabet, a value cut off, or one longer than 32 bits: {@link #INVALID}.
     */
    private long vlq() {
        long result = 0;
        int shift = 0;
        while (true) {
            if (pos >= text.length()) {
                return INVALID;
            }
            char c = text.charAt(pos++);
            int digit = c < 128 ? DIGITS[c] : -1;
            if (digit < 0 || shift > 30) {
                return INVALID;
            }
            result |= (long) (digit & 31) << shift;
            shift += 5;
            if ((digit & 32) == 0) {
                break;
            }
        }
        long magnitude = result >>> 1;
        return (result & 1) == 1 ? -magnitude : magnitude;
    }
}
