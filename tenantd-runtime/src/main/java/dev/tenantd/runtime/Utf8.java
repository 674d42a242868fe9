package dev.tenantd.runtime;

/** Sizes of text as UTF-8, counted without encoding it. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The bytes {@code text} takes as UTF-8: one to three a character, four a surrogate pair
     * (a lone surrogate, which encodes as a three-byte replacement, counts two or three).
     */
    public static long length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x800 && !Character.isSurrogate(c)) {
                bytes += 2;
            } else if (c >= 0x80) {
                bytes += 1; // two bytes; a surrogate pair, four in all
            }
        }
        return bytes;
    }
}
