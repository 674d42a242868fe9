package dev.tenantd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.platform.observability.InvocationEntry;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordChunkTest {
    private static InvocationEntry record(long time, String log, Optional<InvocationEntry.ExceptionInfo> exception) {
        return new InvocationEntry("", time, "0000019ae1c2d3e400000001", "acct", "customers", "shop-1", "v-1",
                List.of("plan:pro", "région"), exception.isPresent() ? "exception" : "ok", exception.isPresent() ? 500 : 200,
                1.25, 7.5, 3, "POST", "shop-1.example.com:8443", "/cart/✓", log.isEmpty() ? List.of()
                        : List.of(new InvocationEntry.LogLine("warn", "[\"" + log + "\",{\"n\":1}]", time + 1)),
                !log.isEmpty(), exception);
    }

    @Test
    void records_come_back_whole_in_order_with_ids_from_their_positions() throws IOException {
        List<InvocationEntry> records = List.of(record(1_000, "héllo \"quoted\"", Optional.empty()),
                record(2_000, "", Optional.of(new InvocationEntry.ExceptionInfo("TypeError", "x is 𝒳", "at f (a.js:1:2)", 2_001))));
        List<InvocationEntry> back = RecordChunk.decode(RecordChunk.encode(records), 7, "acct", "customers", "shop-1");
        assertThat(back).hasSize(2);
        for (int i = 0; i < 2; i++) {
            InvocationEntry r = records.get(i);
            String id = RecordChunk.id(RecordChunk.position(7, i));
            assertThat(back.get(i)).isEqualTo(new InvocationEntry(id, r.timeMillis(), r.requestId(), r.accountId(),
                    r.namespace(), r.script(), r.versionId(), r.tags(), r.outcome(), r.status(), r.cpuMs(), r.wallMs(),
                    r.subrequests(), r.method(), r.host(), r.path(), r.logs(), r.logsTruncated(), r.exception()));
            assertThat(RecordChunk.parseId(id)).contains(RecordChunk.position(7, i));
        }
        assertThat(RecordChunk.id(RecordChunk.position(7, 1))).isEqualTo("0000000000070001");
        assertThat(RecordChunk.chunkOf(RecordChunk.position(123_456, 65_535))).isEqualTo(123_456);
        assertThat(RecordChunk.indexOf(RecordChunk.position(123_456, 65_535))).isEqualTo(65_535);
    }

    @Test
    void ids_it_did_not_give_out_are_not_parsed() {
        for (String id : List.of("", "7", "00000000000700011", "zzzzzzzzzzzzzzzz", "-000000000070001")) {
            assertThat(RecordChunk.parseId(id)).as(id).isEmpty();
        }
    }

    @Test
    void damaged_chunks_are_refused_with_an_io_exception_never_read_past_their_end() {
        byte[] good = RecordChunk.encode(List.of(record(1_000, "line", Optional.empty())));
        List<byte[]> damaged = List.of(new byte[0], new byte[] {9, 0, 0, 0, 1}, new byte[] {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                new byte[] {1, 0, 0, 0, 0}, Arrays.copyOf(good, good.length - 3), Arrays.copyOf(good, 20));
        for (byte[] chunk : damaged) {
            assertThatThrownBy(() -> RecordChunk.decode(chunk, 1, "a", "", "s")).isInstanceOf(IOException.class);
        }
    }
}
