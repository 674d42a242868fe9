package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/** Cloudflare's response envelope: success, errors, messages, result, result_info. */
final class Envelope {
    static final String JSON_TYPE = "application/json; charset=utf-8";
    /** Tokens in one JSON document read by {@link #JSON}. */
    static final long MAX_TOKENS = 2_000_000;
    /**
     * Request bodies are read as trees with this mapper: at most {@value #MAX_TOKENS} tokens each
     * (an asset manifest of the most files takes 700,000), since a tree of small values takes
     * some forty times its JSON text in the heap every tenant shares. KV's bulk bodies, which
     * may be larger, are read as streams ({@link KvBulk}).
     */
    static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS)
                    .build()).build());

    private Envelope() {
    }

    static void ok(HttpServerResponse response, JsonNode result) {
        ok(response, 200, result, null);
    }

    static void ok(HttpServerResponse response, int status, JsonNode result, ObjectNode resultInfo) {
        send(response, status, okBody(result, resultInfo));
    }

    /** The headers every answer of the API carries: an account's data is kept by no cache and read as nothing but its type. */
    static HttpServerResponse guarded(HttpServerResponse response) {
        return response.putHeader("cache-control", "no-store").putHeader("x-content-type-options", "nosniff");
    }

    /** The envelope of a success, as JSON text in UTF-8. */
    static byte[] okBytes(JsonNode result, ObjectNode resultInfo) {
        try {
            return JSON.writeValueAsBytes(okBody(result, resultInfo));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static ObjectNode okBody(JsonNode result, ObjectNode resultInfo) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        body.set("result", result == null ? JSON.nullNode() : result);
        if (resultInfo != null) {
            body.set("result_info", resultInfo);
        }
        return body;
    }

    static void error(HttpServerResponse response, ApiError error) {
        send(response, error.status(), errorBody(error));
    }

    static ObjectNode errorBody(ApiError error) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", false);
        ArrayNode errors = body.putArray("errors");
        errors.addObject().put("code", error.code()).put("message", error.getMessage());
        body.putArray("messages");
        body.putNull("result");
        return body;
    }

    private static void send(HttpServerResponse response, int status, ObjectNode body) {
        if (response.ended() || response.closed()) {
            return;
        }
        guarded(response.setStatusCode(status))
                .putHeader("content-type", JSON_TYPE)
                .end(body.toString());
    }
}
