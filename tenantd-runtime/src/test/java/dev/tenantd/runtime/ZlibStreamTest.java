package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** The host's zlib streams on their own, against the JDK's reference streams, and lenient decompression in an isolate. */
class ZlibStreamTest {

    private static byte[] sample(int size) {
        byte[] data = new byte[size];
        Random random = new Random(11);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ("abcdefgh \n".charAt(random.nextInt(10)));
        }
        return data;
    }

    /** Feeds input in pieces of {@code step} and drains with reads of at most {@code max}; checks every read's bound. */
    private static byte[] run(ZlibStream stream, byte[] input, int step, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < input.length; at += step) {
            stream.write(Arrays.copyOfRange(input, at, Math.min(input.length, at + step)), ZlibStream.Flush.NONE);
            drain(stream, out, max);
        }
        stream.write(new byte[0], ZlibStream.Flush.FINISH);
        drain(stream, out, max);
        assertThat(stream.ended()).isTrue();
        stream.close();
        return out.toByteArray();
    }

    private static void drain(ZlibStream stream, ByteArrayOutputStream out, int max) {
        for (byte[] piece = stream.read(max); piece.length > 0 || piece == ZlibStream.AGAIN; piece = stream.read(max)) {
            assertThat(piece.length).isLessThanOrEqualTo(max);
            out.writeBytes(piece);
        }
    }

    @Test
    void gzip_made_here_reads_with_the_jdk_and_the_jdk_gzip_reads_here() throws IOException {
        byte[] data = sample(300_000);
        byte[] gzip = run(ZlibStream.compressor(ZlibStream.Format.GZIP, ZlibStream.DEFAULT_LEVEL), data, 7_001, 4096);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gzip)).readAllBytes()).isEqualTo(data);
        byte[] jdk = jdkGzip(data);
        assertThat(run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.STRICT), jdk, 1, 65536))
                .isEqualTo(data);
    }

    private static byte[] jdkGzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(out)) {
            g.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void deflate_and_raw_deflate_round_trip_with_the_jdk() throws IOException {
        byte[] data = sample(100_000);
        byte[] zlib = run(ZlibStream.compressor(ZlibStream.Format.DEFLATE, 9), data, 65_536, 1000);
        assertThat(new InflaterInputStream(new ByteArrayInputStream(zlib)).readAllBytes()).isEqualTo(data);
        byte[] raw = run(ZlibStream.compressor(ZlibStream.Format.DEFLATE_RAW, 1), data, 333, 65536);
        assertThat(new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(true)).readAllBytes()).isEqualTo(data);
        assertThat(run(ZlibStream.decompressor(ZlibStream.Format.DEFLATE_RAW, ZlibStream.Strictness.STRICT), raw, 100, 512))
                .isEqualTo(data);
    }

    @Test
    void a_sync_flush_makes_everything_written_so_far_decodable() {
        ZlibStream c = ZlibStream.compressor(ZlibStream.Format.DEFLATE_RAW, ZlibStream.DEFAULT_LEVEL);
        c.write("first part".getBytes(StandardCharsets.UTF_8), ZlibStream.Flush.SYNC);
        byte[] flushed = c.read(65536);
        assertThat(c.read(65536)).as("a flush adds one empty block, not one per read").isEmpty();
        ZlibStream d = ZlibStream.decompressor(ZlibStream.Format.DEFLATE_RAW, ZlibStream.Strictness.STRICT);
        d.write(flushed, ZlibStream.Flush.NONE);
        assertThat(new String(d.read(65536), StandardCharsets.UTF_8)).isEqualTo("first part");
        c.close();
        d.close();
    }

    @Test
    void lenient_decompression_ignores_trailing_bytes_and_gives_what_a_cut_input_decoded() throws IOException {
        byte[] data = sample(50_000);
        byte[] gzip = jdkGzip(data);
        byte[] trailing = Arrays.copyOf(gzip, gzip.length + 10);
        assertThat(run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.LENIENT), trailing, 999, 4096))
                .isEqualTo(data);
        byte[] cut = run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.LENIENT),
                Arrays.copyOf(gzip, gzip.length / 2), 999, 4096);
        assertThat(cut.length).isBetween(1, data.length - 1);
        assertThat(Arrays.copyOf(data, cut.length)).isEqualTo(cut);
        ZlibStream strict = ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.STRICT);
        assertThatThrownBy(() -> run(strict, trailing, 999, 4096)).isInstanceOf(ZlibStream.DataException.class)
                .hasMessage("Trailing bytes after end of compressed data");
    }

    @Test
    void node_rules_read_gzip_members_in_a_row_and_fail_in_zlibs_words() throws IOException {
        byte[] first = sample(20_000);
        byte[] second = "and the second member".getBytes(StandardCharsets.UTF_8);
        byte[] members = concat(jdkGzip(first), jdkGzip(second));
        for (int step : new int[] {1, 777, members.length}) {
            assertThat(run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.NODE), members, step, 4096))
                    .isEqualTo(concat(first, second));
        }
        byte[] zeros = concat(jdkGzip(second), new byte[5]);
        assertThat(run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.NODE), zeros, 3, 4096))
                .isEqualTo(second);
        byte[] garbage = concat(jdkGzip(second), "garbage".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.NODE), garbage,
                100, 4096)).isInstanceOf(ZlibStream.DataException.class).hasMessage("incorrect header check");
        byte[] gzip = jdkGzip(first);
        assertThatThrownBy(() -> run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.NODE),
                Arrays.copyOf(gzip, gzip.length - 3), 100, 4096))
                .isInstanceOf(ZlibStream.DataException.class).hasMessage("unexpected end of file");
        byte[] badCrc = gzip.clone();
        badCrc[gzip.length - 8] ^= 1;
        assertThatThrownBy(() -> run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.NODE), badCrc,
                100, 4096)).isInstanceOf(ZlibStream.DataException.class).hasMessage("incorrect data check");
        // Workers' streams keep Workers' words for the same failure.
        assertThatThrownBy(() -> run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.STRICT), badCrc,
                100, 4096)).isInstanceOf(ZlibStream.DataException.class).hasMessage("Decompression failed.");
    }

    @Test
    void one_read_starts_a_bounded_number_of_gzip_members_and_says_when_to_read_again() throws IOException {
        byte[] input = emptyMembersThen(last());
        ZlibStream stream = ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.NODE);
        stream.write(input, ZlibStream.Flush.FINISH);
        int agains = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece = stream.read(4096); piece.length > 0 || piece == ZlibStream.AGAIN; piece = stream.read(4096)) {
            agains += piece == ZlibStream.AGAIN ? 1 : 0;
            out.writeBytes(piece);
        }
        assertThat(agains).isEqualTo(3);
        assertThat(out.toByteArray()).isEqualTo(last());
        assertThat(stream.ended()).isTrue();
        stream.close();
    }

    static byte[] last() {
        return "after thousands of empty members".getBytes(StandardCharsets.UTF_8);
    }

    /** {@code 3 * MEMBERS_PER_READ + 5} gzip members of nothing, then one of {@code last}. */
    static byte[] emptyMembersThen(byte[] last) throws IOException {
        byte[] empty = jdkGzip(new byte[0]);
        int count = ZlibInflating.MEMBERS_PER_READ * 3 + 5;
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            input.writeBytes(empty);
        }
        input.writeBytes(jdkGzip(last));
        return input.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void a_gzip_header_with_every_optional_field_is_read() {
        byte[] body = run(ZlibStream.compressor(ZlibStream.Format.DEFLATE_RAW, ZlibStream.DEFAULT_LEVEL),
                "fields".getBytes(StandardCharsets.UTF_8), 100, 100);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("fields".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        gz.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
        gz.writeBytes(new byte[] {3, 0, 'x', 'y', 'z'});
        gz.writeBytes("name.txt\0a comment\0".getBytes(StandardCharsets.ISO_8859_1));
        gz.writeBytes(new byte[] {0, 0});
        gz.writeBytes(body);
        long c = crc.getValue();
        gz.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24), 6, 0, 0, 0});
        assertThat(run(ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.STRICT), gz.toByteArray(), 1, 10))
                .isEqualTo("fields".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the_hosts_own_decoding_refuses_a_gzip_header_that_does_not_end() {
        // FNAME set, and a name that goes on: each piece would be kept and scanned again from the start
        byte[] start = {0x1f, (byte) 0x8b, 8, 8, 0, 0, 0, 0, 0, 3};
        byte[] name = new byte[16 * 1024];
        Arrays.fill(name, (byte) 'n');
        ZlibStream host = ZlibStream.hostDecompressor(ZlibStream.Strictness.LENIENT);
        ZlibStream isolate = ZlibStream.decompressor(ZlibStream.Format.GZIP, ZlibStream.Strictness.LENIENT);
        host.write(start, ZlibStream.Flush.NONE);
        isolate.write(start, ZlibStream.Flush.NONE);
        for (int i = 0; i < 3; i++) {
            host.write(name, ZlibStream.Flush.NONE);
            assertThat(host.read(1024)).isEmpty();
        }
        host.write(name, ZlibStream.Flush.NONE); // 10 + 64 KiB: past the bound
        assertThatThrownBy(() -> host.read(1024)).isInstanceOf(ZlibStream.DataException.class);
        // an isolate's stream waits on: what it keeps counts against the isolate's memory
        for (int i = 0; i < 8; i++) {
            isolate.write(name, ZlibStream.Flush.NONE);
            assertThat(isolate.read(1024)).isEmpty();
        }
        host.close();
        isolate.close();
    }

    @Test
    void a_closed_stream_frees_its_native_memory_and_refuses_use() {
        ZlibStream c = ZlibStream.compressor(ZlibStream.Format.GZIP, ZlibStream.DEFAULT_LEVEL);
        assertThat(c.nativeBytes()).isPositive();
        c.close();
        c.close();
        assertThat(c.nativeBytes()).isZero();
        assertThatThrownBy(() -> c.read(10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ZlibStream.compressor(ZlibStream.Format.GZIP, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void before_strict_compression_checks_a_decompression_stream_forgives_trailing_and_missing_input() {
        String code = """
                export default { async fetch() {
                  const gzip = new Uint8Array(await new Response(new Response('forgiven').body
                    .pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
                  const run = async (bytes) => {
                    const s = new DecompressionStream('gzip');
                    const w = s.writable.getWriter(); w.write(bytes); w.close();
                    try { return await new Response(s.readable).text(); } catch (e) { return e.name + ': ' + e.message; }
                  };
                  const longer = new Uint8Array(gzip.length + 3); longer.set(gzip);
                  return new Response([await run(longer), await run(gzip.subarray(0, gzip.length - 4))].join('|'));
                } };""";
        Worker old = load(new WorkerSource("old", "w.js", List.of(Engines.esm("w.js", code)), "2023-07-01", List.of(), List.of()));
        assertThat(text(get(old, "http://x/"))).isEqualTo("forgiven|forgiven");
        Worker current = load(new WorkerSource("new", "w.js", List.of(Engines.esm("w.js", code)), "2023-07-01",
                List.of(CompatibilityFlags.STRICT_COMPRESSION_CHECKS), List.of()));
        assertThat(text(get(current, "http://x/"))).isEqualTo("TypeError: Trailing bytes after end of compressed data|"
                + "TypeError: Called close() on a decompression stream with incomplete data");
        old.close();
        current.close();
    }
}
