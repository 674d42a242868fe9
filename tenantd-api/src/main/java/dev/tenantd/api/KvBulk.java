package dev.tenantd.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.tenantd.platform.kv.KvEntry;
import dev.tenantd.platform.kv.KvException;
import dev.tenantd.platform.kv.KvExpiry;
import dev.tenantd.platform.kv.KvLimits;
import dev.tenantd.platform.kv.KvProblem;
import dev.tenantd.platform.kv.KvService;
import dev.tenantd.platform.kv.KvWrite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bodies of KV's bulk endpoints: checked whole before anything is written, so that
 * one bad entry refuses the request and stores nothing. A refusal names the entry.
 *
 * <p>A body (up to 100 MB) is read as a stream of tokens, each entry turned into its write at
 * once, and never as a tree of the whole document: a tree takes some twenty times the bytes of
 * a body of small entries ({@code [{},{},...]}), gigabytes of the heap every tenant shares. An
 * entry past {@link KvLimits#MAX_BULK_ENTRIES} is refused before it is read, and metadata past
 * {@link KvLimits#MAX_METADATA_BYTES} before the rest of it is.
 */
final class KvBulk {
    /** The longest string a bulk body may hold: the largest value in base64, with room to spare. */
    static final int MAX_STRING_CHARS = (int) ((KvLimits.MAX_VALUE_BYTES + 2) / 3 * 4 + 1024);
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build()).build();

    private KvBulk() {
    }

    /** {@code [{key, value, base64?, expiration?, expiration_ttl?, metadata?}, ...]} as checked writes. */
    static List<KvWrite> writes(KvService kv, byte[] body) {
        return parse(body, p -> {
            requireArray(p);
            List<KvWrite> writes = new ArrayList<>();
            for (int i = 0; nextEntry(p, i); i++) {
                writes.add(write(kv, p, i));
            }
            return writes;
        });
    }

    /** {@code ["key", ...]} as keys. */
    static List<String> keys(byte[] body) {
        return parse(body, p -> {
            requireArray(p);
            List<String> keys = new ArrayList<>();
            for (int i = 0; nextEntry(p, i); i++) {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw ApiError.invalidJsonBody("Entry " + i + " of the bulk delete is not a string: send a JSON array of "
                            + "key names.");
                }
                keys.add(p.getText());
            }
            return keys;
        });
    }

    /** Reads a body with {@code reader}; JSON that does not parse is a 400 saying where. */
    private static <T> T parse(byte[] body, JsonReader<T> reader) {
        if (body.length == 0) {
            throw ApiError.invalidJsonBody("The request has no body; send JSON.");
        }
        try (JsonParser p = JSON.createParser(body)) {
            T result = reader.read(p);
            if (p.nextToken() != null) {
                throw ApiError.invalidJsonBody("The request body is not valid JSON: it goes on after its first value.");
            }
            return result;
        } catch (IOException e) {
            throw ApiError.invalidJsonBody("The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private interface JsonReader<T> {
        T read(JsonParser p) throws IOException;
    }

    private static void requireArray(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw ApiError.invalidJsonBody("The request body must be a JSON array.");
        }
    }

    /** Moves to entry {@code index}'s first token: false at the array's end; past the limit, a refusal. */
    private static boolean nextEntry(JsonParser p, int index) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return false;
        }
        if (t == null) {
            throw ApiError.invalidJsonBody("The request body is not valid JSON: it ends inside the array.");
        }
        if (index == KvLimits.MAX_BULK_ENTRIES) {
            throw ApiError.invalidJsonBody("A bulk request has at most " + KvLimits.MAX_BULK_ENTRIES
                    + " entries; this one has more. Split it.");
        }
        return true;
    }

    /** One entry of a bulk write, the parser on its first token; a later field of the same name wins. */
    private static KvWrite write(KvService kv, JsonParser p, int i) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw ApiError.invalidJsonBody("Entry " + i + " of the bulk write is not an object: send "
                    + "{\"key\": \"...\", \"value\": \"...\"} for each key.");
        }
        String key = null;
        String value = null;
        boolean base64 = false;
        Optional<String> expiration = Optional.empty();
        Optional<String> ttl = Optional.empty();
        Optional<String> metadata = Optional.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "key" -> key = text(p, "key", i);
                case "value" -> value = text(p, "value", i);
                case "base64" -> {
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL) {
                        throw ApiError.invalidJsonBody("Entry " + i + " has a 'base64' that is not true or false.");
                    }
                    base64 = t == JsonToken.VALUE_TRUE;
                }
                case "expiration" -> expiration = number(p, "expiration", i);
                case "expiration_ttl" -> ttl = number(p, "expiration_ttl", i);
                case "metadata" -> metadata = t == JsonToken.VALUE_NULL ? Optional.empty() : Optional.of(metadataJson(p, i));
                default -> p.skipChildren();
            }
        }
        if (key == null) {
            throw ApiError.invalidJsonBody("Entry " + i + " of the bulk write needs a string 'key'.");
        }
        if (value == null) {
            throw ApiError.invalidJsonBody("Entry " + i + " of the bulk write needs a string 'value'.");
        }
        byte[] bytes;
        if (base64) {
            try {
                bytes = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidJsonBody("Entry " + i + " (key '" + abbreviated(key) + "') says base64 but its value is "
                        + "not base64: " + e.getMessage());
            }
        } else {
            bytes = value.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return kv.write(key, bytes, KvExpiry.fromStrings(expiration, ttl), metadata);
        } catch (KvException e) {
            throw new KvException(e.problem(), "Entry " + i + " (key '" + abbreviated(key) + "'): " + e.getMessage());
        }
    }

    private static String text(JsonParser p, String field, int index) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw ApiError.invalidJsonBody("Entry " + index + " of the bulk write needs a string '" + field + "'.");
        }
        return p.getText();
    }

    private static Optional<String> number(JsonParser p, String field, int index) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_STRING) {
            throw ApiError.invalidJsonBody("Entry " + index + " has a '" + field + "' that is not a whole number of seconds.");
        }
        return Optional.of(p.getText());
    }

    /**
     * An entry's metadata as compact JSON text, copied token by token: past
     * {@link KvLimits#MAX_METADATA_BYTES} characters (so at least as many bytes) it is refused
     * there, before the rest is read.
     */
    private static String metadataJson(JsonParser p, int index) throws IOException {
        StringWriter text = new StringWriter();
        Writer bounded = new java.io.FilterWriter(text) {
            @Override
            public void write(char[] chars, int off, int len) throws IOException {
                check(len);
                super.write(chars, off, len);
            }

            @Override
            public void write(String str, int off, int len) throws IOException {
                check(len);
                super.write(str, off, len);
            }

            @Override
            public void write(int c) throws IOException {
                check(1);
                super.write(c);
            }

            private void check(int more) {
                if (text.getBuffer().length() + (long) more > KvLimits.MAX_METADATA_BYTES) {
                    throw new KvException(KvProblem.METADATA_TOO_LARGE, "Entry " + index + ": metadata length exceeds "
                            + "limit of " + KvLimits.MAX_METADATA_BYTES + ".");
                }
            }
        };
        try (JsonGenerator g = JSON.createGenerator(bounded)) {
            g.copyCurrentStructure(p);
        }
        return text.toString();
    }

    private static String abbreviated(String key) {
        return key.length() > 64 ? key.substring(0, 61) + "..." : key;
    }

    /** The longest answer of a bulk get, as JSON text. */
    static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;

    /** A bulk get: which keys, as text or JSON, with or without metadata. */
    record Lookup(List<String> keys, boolean asJson, boolean withMetadata) {
        /**
         * The whole answer, envelope and all, as JSON text: {@code {values: {key: value, or
         * {value, metadata, expiration?} when asked, or null}}}. Stored values are copied token by
         * token, never read into a tree (up to 25 MiB of small values would take gigabytes as one).
         */
        byte[] answer(Map<String, Optional<KvEntry>> found) {
            // Values of 25 MiB together could take six times that as JSON text (control bytes escaped).
            ByteArrayOutputStream out = new ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    if (count + (long) len > MAX_ANSWER_BYTES) {
                        throw ApiError.invalidJsonBody("The values asked for come to more than " + (MAX_ANSWER_BYTES >> 20)
                                + " MiB as JSON text; ask for fewer keys at a time.");
                    }
                    super.write(b, off, len);
                }
            };
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeBooleanField("success", true);
                g.writeArrayFieldStart("errors");
                g.writeEndArray();
                g.writeArrayFieldStart("messages");
                g.writeEndArray();
                g.writeObjectFieldStart("result");
                g.writeObjectFieldStart("values");
                for (Map.Entry<String, Optional<KvEntry>> e : found.entrySet()) {
                    g.writeFieldName(e.getKey());
                    if (e.getValue().isEmpty()) {
                        g.writeNull();
                        continue;
                    }
                    KvEntry entry = e.getValue().get();
                    if (withMetadata) {
                        g.writeStartObject();
                        g.writeFieldName("value");
                    }
                    if (asJson) {
                        copyJson(entry.value(), g);
                    } else {
                        g.writeString(new String(entry.value(), StandardCharsets.UTF_8));
                    }
                    if (withMetadata) {
                        g.writeFieldName("metadata");
                        if (entry.metadata().isPresent()) {
                            copyJson(entry.metadata().get().getBytes(StandardCharsets.UTF_8), g);
                        } else {
                            g.writeNull();
                        }
                        if (entry.expiration().isPresent()) {
                            g.writeNumberField("expiration", entry.expiration().getAsLong());
                        }
                        g.writeEndObject();
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndObject();
            } catch (IOException e) {
                throw new IllegalStateException("the answer could not be written", e);
            }
            return out.toByteArray();
        }

        /** One JSON value from {@code text} onto {@code g}; a value that is not exactly one is refused. */
        private static void copyJson(byte[] text, JsonGenerator g) throws IOException {
            try (JsonParser p = JSON.createParser(text)) {
                if (p.nextToken() == null) {
                    throw nonJson();
                }
                g.copyCurrentStructure(p);
                if (p.nextToken() != null) {
                    throw nonJson();
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw nonJson();
            }
        }

        private static ApiError nonJson() {
            return ApiError.invalidJsonBody("At least one of the requested keys corresponds to a non-json value.");
        }
    }

    /** {@code {"keys": ["key", ...], "type"?: "text"|"json", "withMetadata"?: true}}. */
    static Lookup lookup(byte[] body) {
        return parse(body, p -> {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.invalidJsonBody("The request body must be a JSON object.");
            }
            List<String> names = null;
            String type = "text";
            boolean withMetadata = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "keys" -> names = lookupKeys(p);
                    case "type" -> {
                        type = t == JsonToken.VALUE_NULL ? "text" : t.isScalarValue() ? p.getText() : "(not a string)";
                        p.skipChildren();
                    }
                    case "withMetadata" -> {
                        withMetadata = t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_NUMBER_INT && p.getLongValue() != 0
                                || t == JsonToken.VALUE_STRING && p.getText().trim().equals("true");
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (names == null) {
                throw ApiError.invalidJsonBody(LOOKUP_SHAPE);
            }
            if (!type.equals("text") && !type.equals("json")) {
                throw ApiError.invalidJsonBody("\"" + type + "\" is not a valid type. Use \"json\" or \"text\".");
            }
            return new Lookup(names, type.equals("json"), withMetadata);
        });
    }

    private static final String LOOKUP_SHAPE = "Send {\"keys\": [\"key\", ...]} (and optionally \"type\": \"text\"|\"json\", "
            + "\"withMetadata\": true).";

    private static List<String> lookupKeys(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ApiError.invalidJsonBody(LOOKUP_SHAPE);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; nextEntry(p, i); i++) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw ApiError.invalidJsonBody("Every entry of 'keys' must be a string.");
            }
            names.add(p.getText());
        }
        return names;
    }
}
