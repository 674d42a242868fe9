package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.kv.KvEntry;
import dev.tenantd.platform.kv.KvException;
import dev.tenantd.platform.kv.KvExpiry;
import dev.tenantd.platform.kv.KvLimits;
import dev.tenantd.platform.kv.KvService;
import dev.tenantd.platform.kv.KvWrite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The bodies of KV's bulk endpoints: checked whole before anything is written, so that
 * one bad entry refuses the request and stores nothing. A refusal names the entry.
 */
final class KvBulk {
    private KvBulk() {
    }

    /** {@code [{key, value, base64?, expiration?, expiration_ttl?, metadata?}, ...]} as checked writes. */
    static List<KvWrite> writes(KvService kv, JsonNode array) {
        requireCount(array);
        List<KvWrite> writes = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode entry = array.get(i);
            if (!entry.isObject()) {
                throw ApiError.invalidJsonBody("Entry " + i + " of the bulk write is not an object: send "
                        + "{\"key\": \"...\", \"value\": \"...\"} for each key.");
            }
            String key = text(entry, "key", i);
            String value = text(entry, "value", i);
            JsonNode base64 = entry.path("base64");
            if (!base64.isMissingNode() && !base64.isNull() && !base64.isBoolean()) {
                throw ApiError.invalidJsonBody("Entry " + i + " has a 'base64' that is not true or false.");
            }
            byte[] bytes;
            if (base64.asBoolean(false)) {
                try {
                    bytes = Base64.getDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    throw ApiError.invalidJsonBody("Entry " + i + " (key '" + key + "') says base64 but its value is not base64: "
                            + e.getMessage());
                }
            } else {
                bytes = value.getBytes(StandardCharsets.UTF_8);
            }
            JsonNode metadata = entry.path("metadata");
            try {
                writes.add(kv.write(key, bytes, KvExpiry.fromStrings(number(entry, "expiration", i), number(entry, "expiration_ttl", i)),
                        metadata.isMissingNode() || metadata.isNull() ? Optional.empty() : Optional.of(metadata.toString())));
            } catch (KvException e) {
                throw new KvException(e.problem(), "Entry " + i + " (key '" + abbreviated(key) + "'): " + e.getMessage());
            }
        }
        return writes;
    }

    /** {@code ["key", ...]} as keys. */
    static List<String> keys(JsonNode array) {
        requireCount(array);
        List<String> keys = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode key = array.get(i);
            if (!key.isTextual()) {
                throw ApiError.invalidJsonBody("Entry " + i + " of the bulk delete is not a string: send a JSON array of key names.");
            }
            keys.add(key.asText());
        }
        return keys;
    }

    private static void requireCount(JsonNode array) {
        if (array.size() > KvLimits.MAX_BULK_ENTRIES) {
            throw ApiError.invalidJsonBody("A bulk request has at most " + KvLimits.MAX_BULK_ENTRIES + " entries; this one has "
                    + array.size() + ". Split it.");
        }
    }

    private static String text(JsonNode entry, String field, int index) {
        JsonNode node = entry.path(field);
        if (!node.isTextual()) {
            throw ApiError.invalidJsonBody("Entry " + index + " of the bulk write needs a string '" + field + "'.");
        }
        return node.asText();
    }

    private static Optional<String> number(JsonNode entry, String field, int index) {
        JsonNode node = entry.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() && !node.isTextual()) {
            throw ApiError.invalidJsonBody("Entry " + index + " has a '" + field + "' that is not a whole number of seconds.");
        }
        return Optional.of(node.asText());
    }

    private static String abbreviated(String key) {
        return key.length() > 64 ? key.substring(0, 61) + "..." : key;
    }

    /** A bulk get: which keys, as text or JSON, with or without metadata. */
    record Lookup(List<String> keys, boolean asJson, boolean withMetadata) {
        /** One key's answer: null when missing, else its value, or {value, metadata} when asked. */
        JsonNode shape(Optional<KvEntry> found) {
            if (found.isEmpty()) {
                return Envelope.JSON.nullNode();
            }
            KvEntry entry = found.get();
            String text = new String(entry.value(), StandardCharsets.UTF_8);
            JsonNode value;
            if (asJson) {
                try {
                    value = Envelope.JSON.readTree(text);
                } catch (java.io.IOException e) {
                    throw ApiError.invalidJsonBody("At least one of the requested keys corresponds to a non-json value.");
                }
            } else {
                value = Envelope.JSON.getNodeFactory().textNode(text);
            }
            if (!withMetadata) {
                return value;
            }
            ObjectNode o = Envelope.JSON.createObjectNode();
            o.set("value", value);
            o.set("metadata", entry.metadata().map(KvApi::parseStored).orElse(Envelope.JSON.nullNode()));
            entry.expiration().ifPresent(e -> o.put("expiration", e));
            return o;
        }
    }

    static Lookup lookup(JsonNode body) {
        JsonNode keys = body.path("keys");
        if (!keys.isArray()) {
            throw ApiError.invalidJsonBody("Send {\"keys\": [\"key\", ...]} (and optionally \"type\": \"text\"|\"json\", "
                    + "\"withMetadata\": true).");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode k : keys) {
            if (!k.isTextual()) {
                throw ApiError.invalidJsonBody("Every entry of 'keys' must be a string.");
            }
            names.add(k.asText());
        }
        String type = body.path("type").asText("text");
        if (!type.equals("text") && !type.equals("json")) {
            throw ApiError.invalidJsonBody("\"" + type + "\" is not a valid type. Use \"json\" or \"text\".");
        }
        return new Lookup(names, type.equals("json"), body.path("withMetadata").asBoolean(false));
    }
}
