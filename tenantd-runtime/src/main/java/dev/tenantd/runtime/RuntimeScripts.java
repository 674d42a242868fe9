package dev.tenantd.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The runtime's own JavaScript (Web APIs and the worker glue), read once from
 * the classpath and joined into one function that every isolate runs first.
 */
final class RuntimeScripts {
    static final String RESOURCE_NAME = "tenantd:runtime.js";
    private static final String DIR = "/dev/tenantd/runtime/js/";

    private RuntimeScripts() {
    }

    /** The runtime's scripts, then {@code bindingScripts}, in one function scope that returns the entry points. */
    static String bootstrapSource(java.util.List<String> bindingScripts) {
        StringBuilder source = new StringBuilder(256 * 1024);
        source.append("(function (host) {\n\"use strict\";\n");
        for (String line : read("bootstrap.txt").split("\n")) {
            String file = line.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            source.append("// ---- ").append(file).append('\n').append(read(file)).append('\n');
        }
        for (String script : bindingScripts) {
            source.append("// ---- binding kind\n{\n").append(script).append("\n}\n");
        }
        source.append("return entryPoints;\n})(globalThis.__tenantd_host);\n");
        return source.toString();
    }

    private static String read(String file) {
        try (InputStream in = RuntimeScripts.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("runtime script missing from the classpath: " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
