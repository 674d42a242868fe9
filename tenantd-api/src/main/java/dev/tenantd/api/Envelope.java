package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/** Cloudflare's response envelope: success, errors, messages, result, result_info. */
final class Envelope {
    static final ObjectMapper JSON = new ObjectMapper();

    private Envelope() {
    }

    static void ok(HttpServerResponse response, JsonNode result) {
        ok(response, 200, result, null);
    }

    static void ok(HttpServerResponse response, int status, JsonNode result, ObjectNode resultInfo) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        body.set("result", result == null ? JSON.nullNode() : result);
        if (resultInfo != null) {
            body.set("result_info", resultInfo);
        }
        send(response, status, body);
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
        response.setStatusCode(status)
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(body.toString());
    }
}
