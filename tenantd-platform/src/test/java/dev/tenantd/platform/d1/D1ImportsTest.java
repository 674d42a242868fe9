package dev.tenantd.platform.d1;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An uploaded SQL file is run once, however many ingests name it at once; an account begins a bounded number. */
class D1ImportsTest {
    @TempDir
    Path dir;

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(content));
    }

    @Test
    void an_uploaded_file_is_taken_by_one_of_two_ingests_at_once() throws Exception {
        D1Imports imports = new D1Imports(dir, D1Limits.defaults());
        D1Database db = new D1Database(UUID.randomUUID().toString(), "acct", "main", "2026-01-01T00:00:00.000Z",
                D1Database.PRODUCTION);
        // Large enough that reading it and checking its MD5 take a while: both ingests are at it together.
        byte[] sql = "INSERT INTO t VALUES (1);\n".repeat(400_000).getBytes(StandardCharsets.UTF_8);
        String etag = md5(sql);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                D1Imports.Ticket ticket = imports.begin(db, etag);
                imports.accept(ticket.secret(), sql);
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Boolean>> ingests = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    ingests.add(two.submit(() -> {
                        together.await(30, TimeUnit.SECONDS);
                        try {
                            return imports.take(db, ticket.filename(), etag).length() == sql.length;
                        } catch (D1Exception refused) {
                            return false;
                        }
                    }));
                }
                int taken = 0;
                for (Future<Boolean> ingest : ingests) {
                    taken += ingest.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(taken).as("ingests that got the file, round " + round).isEqualTo(1);
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void an_account_begins_at_most_its_share_of_imports_even_all_at_once() throws Exception {
        D1Imports imports = new D1Imports(dir, D1Limits.defaults());
        D1Database db = new D1Database(UUID.randomUUID().toString(), "acct", "main", "2026-01-01T00:00:00.000Z",
                D1Database.PRODUCTION);
        int callers = 4 * D1Imports.MAX_PENDING;
        ExecutorService many = Executors.newFixedThreadPool(8);
        try {
            CyclicBarrier together = new CyclicBarrier(8);
            List<Future<Boolean>> begun = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int n = i;
                begun.add(many.submit(() -> {
                    if (n < 8) {
                        together.await(30, TimeUnit.SECONDS);
                    }
                    try {
                        imports.begin(db, "etag");
                        return true;
                    } catch (D1Exception refused) {
                        return false;
                    }
                }));
            }
            int count = 0;
            for (Future<Boolean> f : begun) {
                count += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(count).isEqualTo(D1Imports.MAX_PENDING);
        } finally {
            many.shutdownNow();
        }
    }
}
