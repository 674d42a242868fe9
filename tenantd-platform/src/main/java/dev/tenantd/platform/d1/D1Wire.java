package dev.tenantd.platform.d1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * D1's values as JSON, the way clients send them: parameters as D1 binds them (a whole
 * number within JavaScript's safe range is an INTEGER, any other number a REAL, an array of
 * bytes a BLOB), and results with their {@code meta}. Blobs in results go either inline as
 * arrays of bytes (the REST API) or as {@code {"o": offset, "l": length}} into a byte buffer
 * sent beside the JSON (the binding's channel).
 */
public final class D1Wire {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SAFE_INTEGER = 9007199254740991L;

    private D1Wire() {
    }

    /** Parameters from a JSON array (absent or null: none). */
    public static List<SqlValue> params(JsonNode params) {
        if (params == null || params.isNull() || params.isMissingNode()) {
            return List.of();
        }
        if (!params.isArray()) {
            throw new D1Exception(D1Exception.Kind.TYPE, "params must be an array of values, got " + params.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
        List<SqlValue> out = new ArrayList<>(params.size());
        for (JsonNode p : params) {
            out.add(value(p));
        }
        return out;
    }

    private static SqlValue value(JsonNode p) {
        if (p.isNull()) {
            return SqlValue.NULL;
        }
        if (p.isBoolean()) {
            return SqlValue.integer(p.booleanValue() ? 1 : 0);
        }
        if (p.isTextual()) {
            return SqlValue.text(p.textValue());
        }
        if (p.isIntegralNumber() && p.canConvertToLong() && Math.abs(p.longValue()) <= MAX_SAFE_INTEGER) {
            return SqlValue.integer(p.longValue());
        }
        if (p.isNumber()) {
            double d = p.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= MAX_SAFE_INTEGER) {
                return SqlValue.integer((long) d);
            }
            return SqlValue.real(d);
        }
        if (p.isArray()) {
            byte[] bytes = new byte[p.size()];
            for (int i = 0; i < bytes.length; i++) {
                JsonNode b = p.get(i);
                if (!b.isIntegralNumber() || b.intValue() < 0 || b.intValue() > 255) {
                    throw typeError("object", p.toString());
                }
                bytes[i] = (byte) b.intValue();
            }
            return SqlValue.blob(bytes);
        }
        throw typeError(p.isObject() ? "object" : p.getNodeType().name().toLowerCase(java.util.Locale.ROOT), p.toString());
    }

    private static D1Exception typeError(String type, String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return new D1Exception(D1Exception.Kind.TYPE, "Type '" + type + "' not supported for value '" + shown + "'");
    }

    /** A statement from {@code {"sql": "...", "params": [...]}}. */
    public static D1Statement statement(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("sql").isTextual()) {
            throw new D1Exception(D1Exception.Kind.INVALID, "each statement needs its SQL as a string: "
                    + "{\"sql\": \"SELECT ...\", \"params\": [...]}");
        }
        return new D1Statement(node.get("sql").textValue(), params(node.get("params")));
    }

    /** A result in the REST API's shape: rows as objects keyed by column, blobs as arrays of bytes. */
    public static ObjectNode objectsJson(D1Result r) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode rows = o.putArray("results");
        for (List<SqlValue> row : r.rows()) {
            ObjectNode obj = rows.addObject();
            for (int c = 0; c < r.columns().size(); c++) {
                obj.set(r.columns().get(c), inline(row.get(c)));
            }
        }
        o.put("success", true);
        o.set("meta", meta(r.meta()));
        return o;
    }

    /** A result as columns and rows (the REST API's {@code raw}), blobs as arrays of bytes. */
    public static ObjectNode rowsJson(D1Result r) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode results = o.putObject("results");
        ArrayNode columns = results.putArray("columns");
        r.columns().forEach(columns::add);
        ArrayNode rows = results.putArray("rows");
        for (List<SqlValue> row : r.rows()) {
            ArrayNode a = rows.addArray();
            row.forEach(v -> a.add(inline(v)));
        }
        o.put("success", true);
        o.set("meta", meta(r.meta()));
        return o;
    }

    /** Results for the binding's wrapper: JSON text, and the blobs' bytes beside it. */
    public record Packed(String text, byte[] bytes) {
    }

    public static Packed packed(List<D1Result> results) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ArrayNode out = JSON.createArrayNode();
        for (D1Result r : results) {
            ObjectNode o = out.addObject();
            ArrayNode columns = o.putArray("columns");
            r.columns().forEach(columns::add);
            ArrayNode rows = o.putArray("rows");
            for (List<SqlValue> row : r.rows()) {
                ArrayNode a = rows.addArray();
                for (SqlValue v : row) {
                    if (v instanceof SqlValue.Blob b) {
                        a.addObject().put("o", bytes.size()).put("l", b.length());
                        bytes.writeBytes(b.shared());
                    } else {
                        a.add(inline(v));
                    }
                }
            }
            o.set("meta", meta(r.meta()));
        }
        return new Packed(out.toString(), bytes.toByteArray());
    }

    private static JsonNode inline(SqlValue v) {
        return switch (v) {
            case SqlValue.Null n -> JSON.nullNode();
            case SqlValue.Integer i -> JSON.getNodeFactory().numberNode(i.value());
            case SqlValue.Real r -> Double.isFinite(r.value()) ? JSON.getNodeFactory().numberNode(r.value())
                    // JSON has no infinity; 1e999 reads back as one in JavaScript
                    : JSON.getNodeFactory().rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(
                            r.value() > 0 ? "1e999" : "-1e999"));
            case SqlValue.Text t -> JSON.getNodeFactory().textNode(t.value());
            case SqlValue.Blob b -> JSON.getNodeFactory().pojoNode(new BlobNumbers(b.shared()));
        };
    }

    /**
     * A blob as the API shows it, an array of its bytes as numbers, written when the answer is:
     * built as a tree, each byte would be a node of its own, some twenty times the blob's size.
     */
    private record BlobNumbers(byte[] bytes) implements com.fasterxml.jackson.databind.JsonSerializable {
        @Override
        public void serialize(com.fasterxml.jackson.core.JsonGenerator gen,
                com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
            gen.writeStartArray(bytes, bytes.length);
            for (byte x : bytes) {
                gen.writeNumber(x & 0xff);
            }
            gen.writeEndArray();
        }

        @Override
        public void serializeWithType(com.fasterxml.jackson.core.JsonGenerator gen,
                com.fasterxml.jackson.databind.SerializerProvider provider,
                com.fasterxml.jackson.databind.jsontype.TypeSerializer type) throws java.io.IOException {
            serialize(gen, provider);
        }
    }

    public static ObjectNode meta(D1Result.Meta m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("served_by", "tenantd");
        o.put("served_by_region", "local");
        o.put("served_by_primary", true);
        o.putObject("timings").put("sql_duration_ms", m.durationMs());
        o.put("duration", m.durationMs());
        o.put("changes", m.changes());
        o.put("last_row_id", m.lastRowId());
        o.put("changed_db", m.changedDb());
        o.put("size_after", m.sizeAfter());
        o.put("rows_read", m.rowsRead());
        o.put("rows_written", m.rowsWritten());
        return o;
    }
}
