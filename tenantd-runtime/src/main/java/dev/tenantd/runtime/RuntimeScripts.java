package dev.tenantd.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's own JavaScript (Web APIs and the worker glue), read once from the classpath:
 * the eager files joined into one function that every isolate runs first, and the parts
 * (the {@code [name]} sections of bootstrap.txt) that an isolate compiles only when it
 * first needs one ({@code lazy.js}).
 */
final class RuntimeScripts {
    static final String RESOURCE_NAME = "tenantd:runtime.js";
    private static final String DIR = "/dev/tenantd/runtime/js/";
    private static final Pattern SECTION = Pattern.compile("\\[([a-z][a-z0-9-]*)]");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][\\w$]*");
    // The runtime's files declare their top level at the start of a line; nested code is indented.
    private static final Pattern DECLARATION = Pattern.compile(
            "^(?:async\\s+)?(function\\*?|class|const|let|var)\\s+([A-Za-z_$][\\w$]*)", Pattern.MULTILINE);
    private static final Pattern DESTRUCTURING = Pattern.compile(
            "^(const|let|var)\\s*\\{([^}]*)}\\s*=", Pattern.MULTILINE);

    /** What every isolate evaluates at start, and the parts it may load later. */
    record Bootstrap(String source, Map<String, Part> parts) {
    }

    /**
     * A part: its files joined into the body of a function that takes {@code parameters}
     * (names of the eager scope) and returns its own top-level declarations. The code cache
     * is filled by the first isolate that compiles it.
     */
    record Part(String name, String source, List<String> parameters, AtomicReference<byte[]> codeCache) {
        String resourceName() {
            return "tenantd:runtime/" + name + ".js";
        }
    }

    private RuntimeScripts() {
    }

    /** The runtime's eager scripts, then {@code bindingScripts}, in one function scope that returns the entry points. */
    static Bootstrap bootstrap(List<String> bindingScripts) {
        List<String> eagerFiles = new ArrayList<>();
        Map<String, List<String>> partFiles = new LinkedHashMap<>();
        List<String> section = eagerFiles;
        for (String line : read("bootstrap.txt").split("\n")) {
            String file = line.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            Matcher header = SECTION.matcher(file);
            if (header.matches()) {
                section = new ArrayList<>();
                partFiles.put(header.group(1), section);
            } else {
                section.add(file);
            }
        }
        StringBuilder eager = new StringBuilder(512 * 1024);
        Map<String, String> eagerNames = new LinkedHashMap<>();
        eagerNames.put("host", "const"); // the bootstrap function's parameter
        for (String file : eagerFiles) {
            String text = read(file);
            eagerNames.putAll(declarations(text));
            eager.append("// ---- ").append(file).append('\n').append(text).append('\n');
        }
        Map<String, Part> parts = new LinkedHashMap<>();
        StringBuilder arguments = new StringBuilder("function lazy_arguments(name) {\n  switch (name) {\n");
        for (Map.Entry<String, List<String>> entry : partFiles.entrySet()) {
            Part part = part(entry.getKey(), entry.getValue(), eagerNames);
            parts.put(part.name(), part);
            arguments.append("    case '").append(part.name()).append("': return [")
                    .append(String.join(", ", part.parameters())).append("];\n");
        }
        arguments.append("    default: throw new TypeError(`no runtime part ${name}`);\n  }\n}\n");
        StringBuilder source = new StringBuilder(eager.length() + 64 * 1024);
        source.append("(function (host) {\n\"use strict\";\n").append(eager).append(arguments);
        for (String script : bindingScripts) {
            source.append("// ---- binding kind\n{\n").append(script).append("\n}\n");
        }
        source.append("return continuation_guardEntryPoints(entryPoints);\n})(globalThis.__tenantd_host);\n");
        return new Bootstrap(ascii(CompactSource.of(source.toString(), "the runtime's JavaScript")), Map.copyOf(parts));
    }

    private static Part part(String name, List<String> files, Map<String, String> eagerNames) {
        StringBuilder body = new StringBuilder("\"use strict\";\n");
        Map<String, String> own = new LinkedHashMap<>();
        for (String file : files) {
            String text = read(file);
            own.putAll(declarations(text));
            body.append("// ---- ").append(file).append('\n').append(text).append('\n');
        }
        Set<String> used = new TreeSet<>();
        Matcher token = IDENTIFIER.matcher(body);
        while (token.find()) {
            String word = token.group();
            if (eagerNames.containsKey(word) && !own.containsKey(word)) {
                used.add(word);
            }
        }
        for (String word : used) {
            String kind = eagerNames.get(word);
            if ((kind.equals("let") || kind.equals("var"))
                    && Pattern.compile("(?<![\\w$.])" + Pattern.quote(word) + "\\s*(=(?!=)|\\+\\+|--|[-+*/|&]=)")
                            .matcher(body).find()) {
                throw new IllegalStateException("runtime part " + name + " assigns " + word
                        + " of the eager scope; it sees only a copy of its value");
            }
        }
        body.append("return { ").append(String.join(", ", own.keySet())).append(" };\n");
        return new Part(name, ascii(CompactSource.of(body.toString(), "runtime part " + name)), List.copyOf(used),
                new AtomicReference<>());
    }

    /** The top-level names a runtime file declares, with the kind of each declaration. */
    static Map<String, String> declarations(String text) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher simple = DECLARATION.matcher(text);
        while (simple.find()) {
            names.put(simple.group(2), simple.group(1));
        }
        Matcher pattern = DESTRUCTURING.matcher(text);
        while (pattern.find()) {
            for (String entry : pattern.group(2).split(",")) {
                String binding = entry.contains(":") ? entry.substring(entry.indexOf(':') + 1) : entry;
                binding = binding.split("=")[0].strip();
                if (!binding.isEmpty()) {
                    names.put(binding, pattern.group(1));
                }
            }
        }
        return names;
    }

    /**
     * The source with every character beyond ASCII written as a {@code \\u} escape, which
     * means the same in JavaScript strings, identifiers, regular expressions and comments:
     * V8 keeps a script's source in every isolate that runs it, and one character beyond
     * Latin-1 would make it a two-byte string, twice the memory.
     */
    private static String ascii(CharSequence source) {
        StringBuilder out = null;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c > 0x7F) {
                if (out == null) {
                    out = new StringBuilder(source.length() + 64).append(source, 0, i);
                }
                out.append(String.format("\\u%04X", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? source.toString() : out.toString();
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
