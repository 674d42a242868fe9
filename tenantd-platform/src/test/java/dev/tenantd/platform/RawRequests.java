package dev.tenantd.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** For test origins written on a bare socket: request heads read byte by byte, answers that name their request, a loopback policy. */
final class RawRequests {
    /** Egress policies that let workers reach test origins on the loopback address. */
    static final EgressPolicies LOOPBACK = new EgressPolicies(new EgressPolicy(java.util.List.of("127.0.0.1"),
            java.util.List.of()), EgressPolicy.OPEN, EgressPolicy.OPEN);

    private RawRequests() {
    }

    /** What a test origin does with one connection's bytes, until it returns or the client goes. */
    @FunctionalInterface
    interface Conversation {
        void talk(InputStream in, java.io.OutputStream out) throws IOException;
    }

    /** Accepts connections on {@code origin} until it is closed, each talked to on a thread of its own. */
    static void serve(java.net.ServerSocket origin, Conversation conversation) {
        Thread.ofVirtual().start(() -> {
            while (!origin.isClosed()) {
                try {
                    java.net.Socket s = origin.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            conversation.talk(s.getInputStream(), s.getOutputStream());
                        } catch (IOException gone) {
                            // the client went
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** Reads one request head from {@code in}; empty when the connection closed first. */
    static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return "";
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A whole 200 answer whose body is "for PATH", PATH the target of the request {@code head}. */
    static byte[] answerNaming(String head) {
        int from = head.indexOf(' ') + 1;
        String text = "for " + head.substring(from, head.indexOf(' ', from));
        return ("HTTP/1.1 200 OK\r\ncontent-length: " + text.length() + "\r\n\r\n" + text).getBytes(StandardCharsets.US_ASCII);
    }
}
