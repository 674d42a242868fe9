package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-byte decoding host call: errors and what it hands back for the next chunk, and a
 * huge input, which ends the invocation at the memory limit (128 MB in tests) before the host
 * decodes anything.
 */
class TextCodecHostCallsTest {
    private static final long MB = 1024 * 1024;

    private static TextCodecHostCalls.Decoded decode(String encoding, boolean flush, int... input) {
        return TextCodecHostCalls.decoding(encoding).orElseThrow().decode(bytes(input), 0, false, flush).orElseThrow();
    }

    @Test
    void every_multi_byte_encoding_has_a_decoder_and_nothing_else_does() {
        for (String name : List.of("gbk", "gb18030", "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr")) {
            assertThat(TextCodecHostCalls.decoding(name)).as(name).isPresent();
        }
        assertThat(TextCodecHostCalls.decoding("utf-8")).isEmpty();
        assertThat(TextCodecHostCalls.decoding("GBK")).isEmpty();
        assertThat(TextCodecHostCalls.decoding("x-java-object")).isEmpty();
    }

    @Test
    void an_incomplete_sequence_is_handed_back_unless_flushing() {
        TextCodecHostCalls.Decoded partial = decode("shift_jis", false, 0x41, 0x82);
        assertThat(partial.text()).isEqualTo("A");
        assertThat(partial.carry()).containsExactly((byte) 0x82);
        TextCodecHostCalls.Decoded flushed = decode("shift_jis", true, 0x41, 0x82);
        assertThat(flushed.text()).isEqualTo("A\uFFFD");
        assertThat(flushed.carry()).isEmpty();
    }

    @Test
    void iso_2022_jp_hands_back_its_mode_and_an_unfinished_character() {
        TextCodecHostCalls.Decoding iso = TextCodecHostCalls.decoding("iso-2022-jp").orElseThrow();
        byte[] chunk = {0x1B, 0x24, 0x42, 0x24, 0x22, 0x24};
        TextCodecHostCalls.Decoded partial = iso.decode(chunk, 0, false, false).orElseThrow();
        assertThat(partial.text()).isEqualTo("あ");
        assertThat(partial.carry()).containsExactly(0x24);
        TextCodecHostCalls.Decoded rest = iso.decode(new byte[] {0x24, 0x24}, partial.state(), false, true)
                .orElseThrow();
        assertThat(rest.text()).isEqualTo("い");
    }

    @Test
    void iso_2022_jp_follows_the_standards_errors() {
        assertThat(iso2022jp(0x1B, 0x24)).isEqualTo("\uFFFD$");
        assertThat(iso2022jp(0x1B, 0x28, 0x42, 0x1B, 0x28, 0x42, 0x50)).isEqualTo("\uFFFDP");
        assertThat(iso2022jp(0x0D, 0x0E, 0x0F, 0x10)).isEqualTo("\r\uFFFD\uFFFD\u0010");
        assertThat(iso2022jp(0x1B, 0x28, 0x4A, 0x5C, 0x7E)).isEqualTo("\u00A5\u203E");
        assertThat(iso2022jp(0x1B, 0x28, 0x49, 0x50)).isEqualTo("\uFF90");
        assertThat(iso2022jp(0x1B, 0x24, 0x40, 0x50, 0x50, 0x1B, 0x24, 0x42, 0x50)).isEqualTo("\u4F69\uFFFD");
    }

    @Test
    void gb18030_follows_the_standards_errors_and_ranges() {
        assertThat(gb18030(0x80)).isEqualTo("\u20AC");
        assertThat(gb18030(0x81, 0x30)).isEqualTo("\uFFFD");
        assertThat(gb18030(0x81, 0x30, 0xFE)).isEqualTo("\uFFFD");
        assertThat(gb18030(0x81, 0x30, 0x81, 0x41)).isEqualTo("\uFFFD0\u4E04");
        assertThat(gb18030(0xFE, 0x39, 0xFE, 0x39)).isEqualTo("\uFFFD");
        assertThat(gb18030(0x84, 0x31, 0xA4, 0x39)).isEqualTo("\uFFFF");
        assertThat(gb18030(0x90, 0x30, 0x81, 0x30)).isEqualTo("\uD800\uDC00");
        assertThat(gb18030(0xE3, 0x32, 0x9A, 0x35)).isEqualTo("\uDBFF\uDFFF");
        assertThat(gb18030(0xE3, 0x32, 0x9A, 0x36)).isEqualTo("\uFFFD");
        assertThat(gb18030(0xC4, 0xE3)).isEqualTo("\u4F60");
        assertThat(gb18030(0xC4, 0x0A)).isEqualTo("\uFFFD\n");
    }

    @Test
    void euc_jp_reads_the_standards_jis0208_and_jis0212() {
        TextCodecHostCalls.Decoding eucJp = TextCodecHostCalls.decoding("euc-jp").orElseThrow();
        // The standard maps these as Shift_JIS does (the JDK's EUC-JP gives U+301C and U+2212).
        assertThat(eucJp.decode(bytes(0xA1, 0xC1, 0xA1, 0xDD), 0, false, true).orElseThrow().text())
                .isEqualTo("\uFF5E\uFF0D");
        assertThat(eucJp.decode(bytes(0x8E, 0xB1, 0x8F, 0xB0, 0xA1), 0, false, true).orElseThrow()
                .text()).isEqualTo("\uFF71\u4E02");
        assertThat(eucJp.decode(bytes(0xA4, 0x41, 0x8E, 0xE0), 0, false, true).orElseThrow().text())
                .isEqualTo("\uFFFDA\uFFFD");
        TextCodecHostCalls.Decoded partial = eucJp.decode(bytes(0x41, 0x8F, 0xB0), 0, false, false)
                .orElseThrow();
        assertThat(partial.text()).isEqualTo("A");
        assertThat(partial.carry()).containsExactly(0x8F, 0xB0);
    }

    @Test
    void shift_jis_and_euc_kr_read_the_standards_indexes() {
        assertThat(decode("shift_jis", true, 0x80, 0xA1, 0xF0, 0x40, 0x82, 0xA0).text()).isEqualTo("\u0080\uFF61\uE000\u3042");
        assertThat(decode("shift_jis", true, 0xA0, 0xFD).text()).isEqualTo("\uFFFD\uFFFD");
        // The JDK's x-windows-949 has U+E000 here; the standard's index euc-kr has nothing.
        assertThat(decode("euc-kr", true, 0xC9, 0xA1, 0xB0, 0xA1, 0xFF).text()).isEqualTo("\uFFFD\uAC00\uFFFD");
    }

    private static String iso2022jp(int... input) {
        return Iso2022JpDecoding.decode(bytes(input), 0, false, true).orElseThrow().text();
    }

    private static String gb18030(int... input) {
        return Gb18030Decoding.decode(bytes(input), false, true).orElseThrow().text();
    }

    private static byte[] bytes(int... input) {
        byte[] bytes = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            bytes[i] = (byte) input[i];
        }
        return bytes;
    }

    @Test
    void an_ascii_byte_after_a_broken_lead_is_decoded_again() {
        assertThat(decode("shift_jis", true, 0x82, 0x41, 0x42).text()).isEqualTo("\uFFFDAB");
        assertThat(decode("euc-kr", true, 0xB0, 0x0A).text()).isEqualTo("\uFFFD\n");
    }

    @Test
    void big5_reads_the_standards_index() {
        // Hong Kong code points the JDK's Big5-HKSCS does not map (pointers 2082, 19748), one it
        // maps elsewhere (5120: U+203E there, U+00AF in the standard), and a supplementary one.
        assertThat(decode("big5", true, 0x8E, 0x69, 0xFE, 0xDD, 0xA1, 0xC2).text()).isEqualTo("\u7BB8\u7809\u00AF");
        assertThat(decode("big5", true, 0x87, 0x40).text()).isEqualTo("\u43F0");
        assertThat(decode("big5", true, 0x87, 0x45).text()).isEqualTo(new String(Character.toChars(0x27267)));
        // The four pointers that decode to two code points.
        assertThat(decode("big5", true, 0x88, 0x62, 0x88, 0x64, 0x88, 0xA3, 0x88, 0xA5).text())
                .isEqualTo("\u00CA\u0304\u00CA\u030C\u00EA\u0304\u00EA\u030C");
        // An ASCII byte after a lead is decoded again; a lead at the end is handed back or an error.
        assertThat(decode("big5", true, 0xA4, 0x0A, 0x41).text()).isEqualTo("\uFFFD\nA");
        assertThat(decode("big5", false, 0x41, 0xA4).carry()).containsExactly(0xA4);
        assertThat(decode("big5", true, 0x41, 0xA4).text()).isEqualTo("A\uFFFD");
        assertThat(TextCodecHostCalls.decoding("big5").orElseThrow().decode(new byte[] {(byte) 0xA1, 0x7F}, 0, true, true))
                .isEmpty();
    }

    @Test
    void fatal_decoding_answers_nothing_on_an_error() {
        TextCodecHostCalls.Decoding sjis = TextCodecHostCalls.decoding("shift_jis").orElseThrow();
        assertThat(sjis.decode(new byte[] {(byte) 0x82, 0x41}, 0, true, true)).isEmpty();
        assertThat(sjis.decode(new byte[] {(byte) 0x82, (byte) 0xA0}, 0, true, true))
                .hasValueSatisfying(d -> assertThat(d.text()).isEqualTo("あ"));
    }

    @Test
    void an_input_larger_than_a_host_call_takes_is_decoded_window_by_window_across_sequences_cut_at_their_edges() {
        // "A", then "あ" (0x82 0xA0) a million and a half times: every window edge cuts a sequence in two
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  const pairs = 1572864;
                  const bytes = new Uint8Array(1 + 2 * pairs);
                  bytes[0] = 0x41;
                  for (let i = 0; i < pairs; i++) { bytes[1 + 2 * i] = 0x82; bytes[2 + 2 * i] = 0xA0; }
                  const text = new TextDecoder('shift_jis', { fatal: true }).decode(bytes);
                  const ok = text.length === 1 + pairs && text[0] === 'A' && !/[^あ]/.test(text.slice(1));
                  return new Response(ok ? 'whole' : 'broken at ' + text.length);
                } };"""));
        InvocationLimits limits = new InvocationLimits(30_000, 5_000, 60_000, 128 * 1024);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null), limits)))).isEqualTo("whole");
        w.close();
    }

    @Test
    void a_huge_input_ends_the_invocation_at_the_memory_limit_and_the_worker_stays_usable() {
        Worker w = load(Engines.module("""
                export default { async fetch(request) {
                  const size = Number(new URL(request.url).searchParams.get('mb')) * 1024 * 1024;
                  const text = new TextDecoder('shift_jis').decode(new Uint8Array(size).fill(0x41));
                  return new Response('decoded ' + text.length);
                } };"""));
        InvocationLimits limits = new InvocationLimits(30_000, 50, 60_000, 128 * 1024);
        assertThat(text(get(w.fetch(new WorkerRequest("GET", "http://x/?mb=4", List.of(), null), limits))))
                .isEqualTo("decoded " + 4 * MB);
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/?mb=80", List.of(), null), limits)))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
        Worker again = w.isAlive() ? w : load(Engines.module("""
                export default { fetch() { return new Response(new TextDecoder('gbk').decode(new Uint8Array([0xC4, 0xE3]))); } };"""));
        assertThat(text(get(again, "http://x/?mb=1"))).isIn("decoded " + MB, "你");
        w.close();
        again.close();
    }
}
