package dev.tenantd.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The memories a WebAssembly module defines itself (not those it imports), read from its binary:
 * what an instance of it allocates when it is made, the maximum each declares (in pages), and
 * the export names by which the runtime finds them afterwards to count them against the memory
 * limit; and whether an instance that fails to be made may still be reachable: when the module has
 * a start function (code of the worker runs once the instance exists) or imports a table (element
 * segments write the instance's functions into it before a later segment fails). The engine validates
 * the module when it compiles it; this reads only the sections that say where memories are.
 */
record WasmMemories(long initialBytes, List<Long> maximumPages, List<String> exportNames, boolean mayLeak) {
    static final long PAGE_BYTES = 64 * 1024;

    private static final int IMPORT_SECTION = 2;
    private static final int MEMORY_SECTION = 5;
    private static final int EXPORT_SECTION = 7;
    private static final int START_SECTION = 8;
    private static final int KIND_MEMORY = 2;

    /** The maximum of a memory declared without one. */
    static final long NO_MAXIMUM = -1;

    WasmMemories {
        maximumPages = List.copyOf(maximumPages);
        exportNames = List.copyOf(exportNames);
    }

    /**
     * Reads the memories of the module {@code name}; fails with a {@link ScriptException} saying
     * what to change when its bytes are no WebAssembly module or one of its memories is not exported.
     */
    static WasmMemories of(String name, byte[] module) {
        Reader in = new Reader(name, module);
        if (module.length < 8 || in.u32le() != 0x6d736100) {
            throw new ScriptException("module \"" + name + "\" is not a WebAssembly module: its bytes do not start with "
                    + "\\0asm (upload the .wasm file itself, as application/wasm)");
        }
        int version = in.u32le();
        if (version != 1) {
            throw new ScriptException("module \"" + name + "\" is a WebAssembly binary of version " + version
                    + ", not 1 (a component or a newer format): compile it to a core module of version 1");
        }
        int importedMemories = 0;
        boolean hasStart = false;
        boolean importsTable = false;
        List<Long> initialPages = new ArrayList<>();
        List<Long> maximumPages = new ArrayList<>();
        List<String> exported = new ArrayList<>();
        while (in.more()) {
            int id = in.u8();
            long size = in.u32();
            int end = in.end(size);
            switch (id) {
                case IMPORT_SECTION -> {
                    int[] counts = countImports(in);
                    importedMemories = counts[0];
                    importsTable = counts[1] > 0;
                }
                case MEMORY_SECTION -> {
                    long count = in.u32();
                    for (long i = 0; i < count; i++) {
                        long[] limits = in.limits();
                        initialPages.add(limits[0]);
                        maximumPages.add(limits[1]);
                    }
                    for (int i = 0; i < count; i++) {
                        exported.add(null);
                    }
                }
                case EXPORT_SECTION -> {
                    long count = in.u32();
                    for (long i = 0; i < count; i++) {
                        String exportName = in.name();
                        int kind = in.u8();
                        long index = in.u32();
                        long defined = index - importedMemories;
                        if (kind == KIND_MEMORY && defined >= 0 && defined < exported.size()
                                && exported.get((int) defined) == null) {
                            exported.set((int) defined, exportName);
                        }
                    }
                }
                case START_SECTION -> hasStart = true;
                default -> { }
            }
            in.skipTo(end);
        }
        long bytes = 0;
        for (int i = 0; i < initialPages.size(); i++) {
            if (exported.get(i) == null) {
                throw new ScriptException("WebAssembly module \"" + name + "\" defines memory " + (importedMemories + i)
                        + " without exporting it: tenantd counts a module's memory against the worker's memory limit "
                        + "through its export, so export every memory the module defines (most toolchains export "
                        + "it as \"memory\"), or import it from JavaScript");
            }
            bytes = saturatingAdd(bytes, saturatingMultiply(initialPages.get(i), PAGE_BYTES));
        }
        return new WasmMemories(bytes, maximumPages, exported, hasStart || importsTable);
    }

    /** The imported memories and tables: [memories, tables]. */
    private static int[] countImports(Reader in) {
        long count = in.u32();
        int memories = 0;
        int tables = 0;
        for (long i = 0; i < count; i++) {
            in.name();
            in.name();
            int kind = in.u8();
            switch (kind) {
                case 0 -> in.u32();
                case 1 -> {
                    in.refType();
                    in.limitsMinimum();
                    tables++;
                }
                case KIND_MEMORY -> {
                    in.limitsMinimum();
                    memories++;
                }
                case 3 -> {
                    in.valueType();
                    in.u8();
                }
                case 4 -> {
                    in.u8();
                    in.u32();
                }
                default -> throw in.malformed("an import of unknown kind " + kind);
            }
        }
        return new int[] {memories, tables};
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatingMultiply(long a, long b) {
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    /** The binary format's encodings, each read failing clearly at the module's end. */
    private static final class Reader {
        private final String name;
        private final byte[] bytes;
        private int at;

        Reader(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes;
        }

        boolean more() {
            return at < bytes.length;
        }

        int u8() {
            if (at >= bytes.length) {
                throw malformed("it ends in the middle of a section");
            }
            return bytes[at++] & 0xff;
        }

        int u32le() {
            return u8() | u8() << 8 | u8() << 16 | u8() << 24;
        }

        /** An unsigned LEB128 number of at most 64 bits. */
        long u64() {
            long value = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw malformed("a number is longer than 64 bits");
        }

        long u32() {
            long value = u64();
            if (value > 0xffffffffL) {
                throw malformed("a count or size is larger than 32 bits");
            }
            return value;
        }

        int end(long size) {
            if (size > bytes.length - at) {
                throw malformed("a section is longer than the module");
            }
            return at + (int) size;
        }

        void skipTo(int end) {
            if (at > end) {
                throw malformed("a section's content runs past its end");
            }
            at = end;
        }

        String name() {
            int length = end(u32());
            String text = new String(bytes, at, length - at, StandardCharsets.UTF_8);
            at = length;
            return text;
        }

        /** Memory and table limits: their flags, minimum and optional maximum; returns the minimum. */
        long limitsMinimum() {
            return limits()[0];
        }

        /**
         * Memory and table limits: [minimum, maximum or {@link #NO_MAXIMUM}]; a number past what a
         * long holds reads as the largest long.
         */
        long[] limits() {
            int flags = u8();
            if (flags > 7) {
                throw malformed("limits with unknown flags " + flags);
            }
            long minimum = unsigned(u64());
            long maximum = (flags & 1) != 0 ? unsigned(u64()) : NO_MAXIMUM;
            return new long[] {minimum, maximum};
        }

        private static long unsigned(long value) {
            return value < 0 ? Long.MAX_VALUE : value;
        }

        /** A reference type: one byte, or a nullable or non-null prefix and a heap type. */
        void refType() {
            int b = u8();
            if (b == 0x63 || b == 0x64) {
                u64();
            }
        }

        void valueType() {
            refType();
        }

        ScriptException malformed(String what) {
            return new ScriptException("WebAssembly module \"" + name + "\" could not be read: " + what);
        }
    }
}
