package dev.tenantd.platform;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of an outbound connection: requests out, answers in, each answer read
 * knowing the method of the request it answers (a HEAD's answer has no body, whatever length
 * its headers name). Netty's own client codec pairs every answer with a request, interim ones
 * (1xx) too: after a {@code 103 Early Hints} to a HEAD, the final answer was read as a GET's,
 * and the connection waited for a body that never comes until its idle timeout. Here an
 * interim answer is paired with nothing, as it answers no request by itself.
 *
 * <p>Runs on the connection's event loop only, as Netty's handlers do.
 */
final class EgressHttpCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {
    /** The name Vert.x gives the codec in a connection's pipeline, and looks for there. */
    private static final String NAME = "codec";

    /** Methods of the requests sent and not answered yet, oldest first. */
    private final ArrayDeque<HttpMethod> unanswered = new ArrayDeque<>();

    private EgressHttpCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /**
     * Puts this codec in the place of the one Vert.x gave a new HTTP/1.x {@code connection},
     * with the same limits; before its first request, so nothing was read or written yet.
     */
    static void install(HttpConnection connection, HttpClientOptions options) {
        var pipeline = ((ConnectionBase) connection).channel().pipeline();
        if (pipeline.get(NAME) == null) {
            return;
        }
        pipeline.replace(NAME, NAME, new EgressHttpCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(options.getMaxInitialLineLength())
                .setMaxHeaderSize(options.getMaxHeaderSize())
                .setMaxChunkSize(options.getMaxChunkSize())
                .setInitialBufferSize(options.getDecoderInitialBufferSize())
                .setValidateHeaders(true)));
    }

    private final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                unanswered.offer(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }

    private final class Decoder extends HttpResponseDecoder {
        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage message) {
            if (((HttpResponse) message).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(message);
            }
            return HttpMethod.HEAD.equals(unanswered.poll()) || super.isContentAlwaysEmpty(message);
        }
    }
}
