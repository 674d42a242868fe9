package dev.tenantd.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP origin on loopback for egress tests: /hello answers, /redirect points at
 * 127.0.0.1, /to?status=N&location=URL redirects anywhere, /echo describes the request it
 * got, and /hold answers only once the test releases it.
 */
final class Origin implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Semaphore held = new Semaphore(0);
    private final CountDownLatch release = new CountDownLatch(1);

    Origin() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/hello", exchange -> answer(exchange, 200,
                "hello from origin via " + exchange.getRequestHeaders().getFirst("Host")));
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port() + "/hello");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/to", exchange -> {
            Map<String, String> query = query(exchange);
            exchange.getResponseHeaders().add("Location", query.get("location"));
            exchange.sendResponseHeaders(Integer.parseInt(query.get("status")), -1);
            exchange.close();
        });
        server.createContext("/echo", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            answer(exchange, 200, exchange.getRequestMethod() + " body=" + (body.isEmpty() ? "-" : body)
                    + " type=" + header(exchange, "Content-Type") + " auth=" + header(exchange, "Authorization")
                    + " cookie=" + header(exchange, "Cookie") + " proxy=" + header(exchange, "Proxy-Authorization")
                    + " other=" + header(exchange, "X-Other"));
        });
        server.createContext("/hold", exchange -> {
            held.release();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "released");
        });
        server.start();
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "-" : value;
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Waits until {@code count} requests are waiting in /hold. */
    void awaitHeld(int count) throws InterruptedException {
        if (!held.tryAcquire(count, 30, TimeUnit.SECONDS)) {
            throw new AssertionError("no request arrived at /hold");
        }
    }

    /** Lets every request in /hold, and every later one, answer. */
    void releaseHeld() {
        release.countDown();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
