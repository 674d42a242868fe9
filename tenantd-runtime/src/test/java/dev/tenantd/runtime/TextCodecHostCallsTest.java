package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
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
        byte[] bytes = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            bytes[i] = (byte) input[i];
        }
        Charset charset = TextCodecHostCalls.charset(encoding).orElseThrow();
        return TextCodecHostCalls.decode(charset, bytes, false, flush).orElseThrow();
    }

    @Test
    void every_multi_byte_encoding_has_a_decoder_and_nothing_else_does() {
        for (String name : List.of("gbk", "gb18030", "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr")) {
            assertThat(TextCodecHostCalls.charset(name)).as(name).isPresent();
        }
        assertThat(TextCodecHostCalls.charset("utf-8")).isEmpty();
        assertThat(TextCodecHostCalls.charset("GBK")).isEmpty();
        assertThat(TextCodecHostCalls.charset("x-java-object")).isEmpty();
    }

    @Test
    void an_incomplete_sequence_is_handed_back_unless_flushing() {
        TextCodecHostCalls.Decoded partial = decode("gbk", false, 0x41, 0xC4);
        assertThat(partial.text()).isEqualTo("A");
        assertThat(partial.carry()).containsExactly((byte) 0xC4);
        TextCodecHostCalls.Decoded flushed = decode("gbk", true, 0x41, 0xC4);
        assertThat(flushed.text()).isEqualTo("A\uFFFD");
        assertThat(flushed.carry()).isEmpty();
    }

    @Test
    void iso_2022_jp_hands_back_the_escape_sequence_of_its_mode() {
        TextCodecHostCalls.Decoded partial = decode("iso-2022-jp", false, 0x1B, 0x24, 0x42, 0x24, 0x22, 0x24);
        assertThat(partial.text()).isEqualTo("あ");
        assertThat(partial.carry()).containsExactly(0x1B, 0x24, 0x42, 0x24);
    }

    @Test
    void an_ascii_byte_after_a_broken_lead_is_decoded_again() {
        assertThat(decode("shift_jis", true, 0x82, 0x41, 0x42).text()).isEqualTo("\uFFFDAB");
        assertThat(decode("euc-kr", true, 0xB0, 0x0A).text()).isEqualTo("\uFFFD\n");
    }

    @Test
    void fatal_decoding_answers_nothing_on_an_error() {
        Charset sjis = TextCodecHostCalls.charset("shift_jis").orElseThrow();
        assertThat(TextCodecHostCalls.decode(sjis, new byte[] {(byte) 0x82, 0x41}, true, true)).isEmpty();
        assertThat(TextCodecHostCalls.decode(sjis, new byte[] {(byte) 0x82, (byte) 0xA0}, true, true))
                .hasValueSatisfying(d -> assertThat(d.text()).isEqualTo("あ"));
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
