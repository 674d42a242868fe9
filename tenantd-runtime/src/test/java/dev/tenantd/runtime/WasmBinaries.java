package dev.tenantd.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Small WebAssembly modules for tests, assembled section by section. */
final class WasmBinaries {
    private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

    private WasmBinaries() {
    }

    /**
     * Imports {@code env.double} (i32 -> i32) and exports {@code add(a, b)} and
     * {@code addDoubled(a, b)}, which hands the sum to the import.
     */
    static byte[] adder() {
        return module(
                section(1, vec(bytes(0x60, 2, 0x7f, 0x7f, 1, 0x7f), bytes(0x60, 1, 0x7f, 1, 0x7f))),
                section(2, vec(concat(name("env"), name("double"), bytes(0x00, 1)))),
                section(3, vec(bytes(0), bytes(0))),
                section(7, vec(concat(name("add"), bytes(0x00, 1)), concat(name("addDoubled"), bytes(0x00, 2)))),
                section(10, vec(body(0x20, 0, 0x20, 1, 0x6a), body(0x20, 0, 0x20, 1, 0x6a, 0x10, 0))));
    }

    /**
     * Defines a memory of {@code initialPages} pages without a maximum, exported as "memory"
     * when {@code exported}, and functions {@code grow(pages)} (memory.grow: the old size in
     * pages, or -1), {@code fill(length)} (writes ones from address 0) and {@code pages()}.
     */
    static byte[] memory(int initialPages, boolean exported) {
        return memory(initialPages, -1, exported);
    }

    /** The same with a memory of at most {@code maximumPages} pages (none when negative). */
    static byte[] memory(int initialPages, int maximumPages, boolean exported) {
        byte[] exports = vec(concat(name("grow"), bytes(0x00, 0)), concat(name("fill"), bytes(0x00, 1)),
                concat(name("pages"), bytes(0x00, 2)));
        if (exported) {
            exports = vec(concat(name("memory"), bytes(0x02, 0)), concat(name("grow"), bytes(0x00, 0)),
                    concat(name("fill"), bytes(0x00, 1)), concat(name("pages"), bytes(0x00, 2)));
        }
        return module(
                section(1, vec(bytes(0x60, 1, 0x7f, 1, 0x7f), bytes(0x60, 1, 0x7f, 0), bytes(0x60, 0, 1, 0x7f))),
                section(3, vec(bytes(0), bytes(1), bytes(2))),
                section(5, vec(maximumPages < 0 ? concat(bytes(0x00), leb(initialPages))
                        : concat(bytes(0x01), leb(initialPages), leb(maximumPages)))),
                section(7, exports),
                section(10, vec(
                        body(0x20, 0, 0x40, 0),
                        body(0x41, 0, 0x41, 1, 0x20, 0, 0xfc, 0x0b, 0),
                        body(0x3f, 0))));
    }

    /**
     * Imports a function {@code env.f} (never called) and defines a memory of
     * {@code initialPages} pages, exported as "memory".
     */
    static byte[] importingMemory(int initialPages) {
        return module(
                section(1, vec(bytes(0x60, 0, 0))),
                section(2, vec(concat(name("env"), name("f"), bytes(0x00, 0)))),
                section(5, vec(concat(bytes(0x00), leb(initialPages)))),
                section(7, vec(concat(name("memory"), bytes(0x02, 0)))));
    }

    /** Imports a memory {@code env.memory} (at least one page) and has nothing else. */
    static byte[] importedMemory() {
        return module(section(2, vec(concat(name("env"), name("memory"), bytes(0x02, 0x00, 1)))));
    }

    /**
     * Imports {@code env.f} and runs it as its start function; defines a memory of one page
     * without a maximum, exported as "memory", and a custom section "meta" of 3 bytes.
     */
    static byte[] startingWithImport() {
        return module(
                section(0, concat(name("meta"), bytes(1, 2, 3))),
                section(1, vec(bytes(0x60, 0, 0))),
                section(2, vec(concat(name("env"), name("f"), bytes(0x00, 0)))),
                section(5, vec(bytes(0x00, 1))),
                section(7, vec(concat(name("memory"), bytes(0x02, 0)))),
                section(8, bytes(0)));
    }

    /** Imports a table {@code env.table} (of functions, at least one) and defines a memory of one page, exported as "memory". */
    static byte[] importingTable() {
        return module(
                section(2, vec(concat(name("env"), name("table"), bytes(0x01, 0x70, 0x00, 1)))),
                section(5, vec(bytes(0x00, 1))),
                section(7, vec(concat(name("memory"), bytes(0x02, 0)))));
    }

    /** Exports {@code spin()}, a loop that never ends. */
    static byte[] spin() {
        return module(
                section(1, vec(bytes(0x60, 0, 0))),
                section(3, vec(bytes(0))),
                section(7, vec(concat(name("spin"), bytes(0x00, 0)))),
                section(10, vec(body(0x03, 0x40, 0x0c, 0, 0x0b))));
    }

    /**
     * A 64-bit memory of one page without a maximum, exported as "memory", and {@code grow(pages)}
     * (a BigInt in and out: the old size, or -1).
     */
    static byte[] memory64() {
        return module(
                section(1, vec(bytes(0x60, 1, 0x7e, 1, 0x7e))),
                section(3, vec(bytes(0))),
                section(5, vec(bytes(0x04, 1))),
                section(7, vec(concat(name("memory"), bytes(0x02, 0)), concat(name("grow"), bytes(0x00, 0)))),
                section(10, vec(body(0x20, 0, 0x40, 0))));
    }

    private static byte[] module(byte[]... sections) {
        return concat(HEADER, concat(sections));
    }

    private static byte[] section(int id, byte[] content) {
        return concat(bytes(id), leb(content.length), content);
    }

    private static byte[] vec(byte[]... items) {
        return concat(leb(items.length), concat(items));
    }

    /** A function body without locals. */
    private static byte[] body(int... code) {
        byte[] content = concat(bytes(0), bytes(code), bytes(0x0b));
        return concat(leb(content.length), content);
    }

    private static byte[] name(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return concat(leb(utf8.length), utf8);
    }

    static byte[] leb(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value == 0 ? b : b | 0x80);
        } while (value != 0);
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
