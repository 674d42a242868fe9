import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The ceiling for benchmark (a): Vert.x answering "Hello World" with no JavaScript
 * at all, set up the way tenantd sets up its worker listener (one HttpServer made
 * outside a verticle, an event-loop pool of one thread per core, same Vert.x jars).
 *
 * <p>{@code java -cp 'tenantd-server/target/lib/*' VertxHello.java PORT}; prints
 * "listening on PORT" once it accepts connections. Binds 127.0.0.1 only.
 */
public final class VertxHello {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(req -> req.response()
                        .putHeader("content-type", "text/plain;charset=UTF-8")
                        .end("Hello World"))
                .listen()
                .toCompletionStage().toCompletableFuture().join();
        System.out.println("listening on " + server.actualPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
