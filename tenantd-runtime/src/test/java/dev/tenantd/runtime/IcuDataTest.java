package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ICU's data (31 MB) is mapped from the native cache, not copied into the process: only the
 * pages Intl and normalization touch are resident, and processes on one machine share them.
 */
class IcuDataTest {

    @Test
    void the_data_file_is_mapped_and_intl_reads_from_it() throws IOException {
        assumeTrue(Runtime.version().feature() >= 22, "on Java 21 V8 is given the file and copies it");
        Worker w = load(Engines.module("""
                export default { fetch() {
                  return new Response([
                    new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234.5),
                    new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'long' }).format(0),
                    'e\\u0301'.normalize('NFC') === '\\u00e9',
                    /\\p{Script=Greek}/u.test('\\u03b1'),
                  ].join('|'));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("1.234,50\u00a0€|1970年1月1日|true|true");
        assertThat(Files.readAllLines(Path.of("/proc/self/maps")))
                .as("a mapping of the ICU data file")
                .anyMatch(line -> line.endsWith("/" + V8Native.ICU_DATA_FILE));
    }
}
