package dev.tenantd.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import javax.net.ssl.SSLSession;

/**
 * The {@code request.cf} object of a request from a client: the properties of Workers' {@code cf}
 * that this server knows of the connection (the protocol, TLS version and cipher, what the client
 * accepts as encodings). Properties that need Cloudflare's network (colo, country, ASN, bot
 * scores) are absent rather than invented. The client's address is the {@code CF-Connecting-IP}
 * header, as on Workers.
 */
final class RequestCf {
    private RequestCf() {
    }

    static String of(HttpServerRequest request) {
        ObjectNode cf = JsonNodeFactory.instance.objectNode();
        cf.put("httpProtocol", protocol(request.version()));
        String acceptEncoding = request.getHeader("accept-encoding");
        if (acceptEncoding != null) {
            cf.put("clientAcceptEncoding", acceptEncoding);
        }
        SSLSession tls = request.isSSL() ? request.sslSession() : null;
        if (tls != null) {
            cf.put("tlsVersion", tls.getProtocol());
            cf.put("tlsCipher", tls.getCipherSuite());
        }
        return cf.toString();
    }

    private static String protocol(HttpVersion version) {
        return switch (version) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2";
        };
    }
}
