package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.BodyStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The host gzips a response for its client only while that costs about what the client
 * downloads: a body of one repeated byte is stored uncompressed past its first 20 MiB or so,
 * text is compressed whole, and either way the client gets one valid gzip stream of the body.
 */
class CompressionGuardTest {
    private static final int CHUNK = 64 * 1024;

    /** A streamed body of {@code chunks} copies of {@code chunk}. */
    private static BodyStream repeated(byte[] chunk, int chunks) {
        return new BodyStream() {
            int sent;

            @Override
            public CompletableFuture<Optional<byte[]>> read() {
                return CompletableFuture.completedFuture(sent++ < chunks ? Optional.of(chunk.clone()) : Optional.empty());
            }

            @Override
            public void cancel() {
            }
        };
    }

    /** All that the coded stream gives, gzipped. */
    private static byte[] drain(BodyStream coded) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Optional<byte[]> piece = coded.read().get(30, TimeUnit.SECONDS); piece.isPresent();
                piece = coded.read().get(30, TimeUnit.SECONDS)) {
            out.writeBytes(piece.get());
        }
        return out.toByteArray();
    }

    private static long gunzippedLength(byte[] gzip, byte expected) throws IOException {
        long n = 0;
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzip), CHUNK)) {
            byte[] buf = new byte[CHUNK];
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
                for (int i = 0; i < r; i++) {
                    if (expected != -1 && buf[i] != expected) {
                        throw new AssertionError("byte " + (n + i) + " differs");
                    }
                }
                n += r;
            }
        }
        return n;
    }

    @Test
    void a_body_of_one_repeated_byte_is_stored_past_the_first_sixteen_mebibytes() throws Exception {
        int chunks = 64 * 1024 * 1024 / CHUNK;
        byte[] gzip = drain(CodedBodyStream.encoding(repeated(new byte[CHUNK], chunks)));
        // Without the guard: some 64 KiB for 64 MiB of zeros; with it, the client takes all but the first
        // 16 MiB and one window of 4 MiB as they are.
        assertThat((long) gzip.length).isGreaterThan(43L * 1024 * 1024);
        assertThat(gunzippedLength(gzip, (byte) 0)).isEqualTo((long) chunks * CHUNK);
    }

    @Test
    void an_incompressible_start_does_not_buy_a_highly_compressible_rest() throws Exception {
        byte[] random = new byte[CHUNK];
        new Random(11).nextBytes(random);
        int first = 32 * 1024 * 1024 / CHUNK;
        int rest = 32 * 1024 * 1024 / CHUNK;
        BodyStream randomThenZeros = new BodyStream() {
            int sent;

            @Override
            public CompletableFuture<Optional<byte[]>> read() {
                sent++;
                return CompletableFuture.completedFuture(sent <= first ? Optional.of(random.clone())
                        : sent <= first + rest ? Optional.of(new byte[CHUNK]) : Optional.empty());
            }

            @Override
            public void cancel() {
            }
        };
        byte[] gzip = drain(CodedBodyStream.encoding(randomThenZeros));
        // 32 MiB that do not compress, then 32 MiB of zeros of which at most two windows' worth (one of
        // them part random) are compressed. Weighing the whole instead, the zeros would all be.
        assertThat((long) gzip.length).isGreaterThan(32L * 1024 * 1024 + 23L * 1024 * 1024);
        assertThat(gunzippedLength(gzip, (byte) -1)).isEqualTo((long) (first + rest) * CHUNK);
    }

    @Test
    void text_is_compressed_whole() throws Exception {
        // Words at random: compresses by a few times, as pages and JSON do.
        StringBuilder text = new StringBuilder();
        Random random = new Random(7);
        String[] words = {"tenant", "worker", "isolate", "request", "{\"id\":", "\"name\":", "response", "dispatch", "\n"};
        while (text.length() < CHUNK) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
        }
        byte[] chunk = text.substring(0, CHUNK).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int chunks = 24 * 1024 * 1024 / CHUNK;
        byte[] gzip = drain(CodedBodyStream.encoding(repeated(chunk, chunks)));
        assertThat((long) gzip.length).as("compressed all the way").isLessThan(8L * 1024 * 1024);
        assertThat(gunzippedLength(gzip, (byte) -1)).isEqualTo((long) chunks * CHUNK);
    }
}
