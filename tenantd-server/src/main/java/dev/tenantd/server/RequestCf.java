package dev.tenantd.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
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

    /** The last object made for a request without TLS: the next such request from the same kind of client reuses it. */
    private static volatile Plain last = new Plain(HttpVersion.HTTP_1_1, null, json("HTTP/1.1", null, null, null));

    private record Plain(HttpVersion version, String acceptEncoding, String json) {
    }

    static String of(HttpServerRequest request) {
        String acceptEncoding = request.getHeader("accept-encoding");
        if (!request.isSSL()) {
            Plain known = last;
            if (known.version == request.version() && java.util.Objects.equals(known.acceptEncoding, acceptEncoding)) {
                return known.json;
            }
            Plain made = new Plain(request.version(), acceptEncoding,
                    json(protocol(request.version()), acceptEncoding, null, null));
            last = made;
            return made.json;
        }
        SSLSession tls = request.sslSession();
        return json(protocol(request.version()), acceptEncoding,
                tls == null ? null : tls.getProtocol(), tls == null ? null : tls.getCipherSuite());
    }

    /**
     * The object as JSON, written directly (it is made for every request); a property that is
     * {@code null} is left out. Header values are the client's and are quoted as JSON strings.
     */
    static String json(String httpProtocol, String acceptEncoding, String tlsVersion, String tlsCipher) {
        StringBuilder out = new StringBuilder(48);
        out.append('{');
        property(out, "httpProtocol", httpProtocol);
        property(out, "clientAcceptEncoding", acceptEncoding);
        property(out, "tlsVersion", tlsVersion);
        property(out, "tlsCipher", tlsCipher);
        return out.append('}').toString();
    }

    private static void property(StringBuilder out, String name, String value) {
        if (value == null) {
            return;
        }
        if (out.length() > 1) {
            out.append(',');
        }
        out.append('"').append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, out);
        out.append('"');
    }

    private static String protocol(HttpVersion version) {
        return switch (version) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2";
        };
    }
}
