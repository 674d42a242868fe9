package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host call behind {@code Intl.Segmenter}'s word granularity for text with Han, Hiragana or
 * Katakana ({@code intl-segmenter.js}): the engine's ICU has no dictionary for those scripts and
 * returns such a run as one segment, ICU4J's word break iterator splits it into words, as on
 * Workers.
 *
 * <ul>
 *   <li>{@code segmentWords(locale, text)} → ArrayBuffer of little-endian int32s, one per
 *       segment in order: the segment's end offset in {@code text} times two, plus one when the
 *       segment is word-like (its rule status is not "none", as ECMA-402 defines isWordLike)</li>
 * </ul>
 *
 * <p>The runtime hands in windows of at most {@link #MAX_TEXT_LENGTH} UTF-16 units, so that one
 * call stays short (Java cannot be interrupted midway; the CPU time is the worker's) and the answer
 * is at most four bytes per unit.
 */
final class WordSegmentHostCalls {
    /** The longest text one call segments; longer text is refused with an empty answer. */
    static final int MAX_TEXT_LENGTH = 16 * 1024;

    /** Word break iterators by language, cloned for each call (an iterator holds its text). */
    private static final Map<String, BreakIterator> BY_LANGUAGE = new ConcurrentHashMap<>();
    /** Languages are a small set, but a locale tag is the worker's to choose: the cache stays bounded. */
    private static final int MAX_CACHED = 64;

    private WordSegmentHostCalls() {
    }

    /** Adds the {@code segmentWords} host call. */
    static void bind(Map<HostCall, IsolateShell.HostFunction> target, V8Runtime runtime) {
        target.put(HostCall.SEGMENT_WORDS, args -> segment(runtime, args));
    }

    private static V8Value segment(V8Runtime runtime, V8Value[] args) throws JavetException {
        if (args.length < 2 || !(args[0] instanceof V8ValueString locale) || !(args[1] instanceof V8ValueString text)) {
            return runtime.createV8ValueNull();
        }
        int[] segments = segments(locale.getValue(), text.getValue());
        ByteBuffer bytes = ByteBuffer.allocate(segments.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int segment : segments) {
            bytes.putInt(segment);
        }
        return JsValues.bytes(runtime, bytes.array());
    }

    /**
     * The word segments of {@code text} for {@code languageTag}: each one's end times two, plus one
     * when it is word-like. Empty for empty text or text longer than {@link #MAX_TEXT_LENGTH}.
     */
    static int[] segments(String languageTag, String text) {
        if (text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
            return new int[0];
        }
        BreakIterator words = iteratorFor(languageTag);
        words.setText(text);
        int[] out = new int[text.length()];
        int count = 0;
        for (int end = words.next(); end != BreakIterator.DONE; end = words.next()) {
            boolean wordLike = words.getRuleStatus() >= BreakIterator.WORD_NONE_LIMIT;
            out[count++] = end * 2 + (wordLike ? 1 : 0);
        }
        return java.util.Arrays.copyOf(out, count);
    }

    private static BreakIterator iteratorFor(String languageTag) {
        String language = ULocale.forLanguageTag(languageTag).getLanguage();
        BreakIterator cached = BY_LANGUAGE.get(language);
        if (cached == null) {
            cached = BreakIterator.getWordInstance(new ULocale(language));
            if (BY_LANGUAGE.size() < MAX_CACHED) {
                BY_LANGUAGE.putIfAbsent(language, cached);
            }
        }
        return (BreakIterator) cached.clone();
    }
}
