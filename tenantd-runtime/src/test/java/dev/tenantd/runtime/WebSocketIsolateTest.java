package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.websocket.WebSocketEnd;
import dev.tenantd.runtime.websocket.WebSocketMessage;
import dev.tenantd.runtime.websocket.WebSocketReceiver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker's WebSocket seen from the host: the end in its 101 response, as the ingress holds it. */
class WebSocketIsolateTest {
    static final String ECHO = """
            export default { fetch(request) {
              const [client, server] = new WebSocketPair();
              server.accept();
              server.addEventListener('message', (event) => {
                if (event.data === 'slow') { let n = 0; while (n < 2e8) n++; }
                server.send('echo: ' + event.data);
              });
              return new Response(null, { status: 101, webSocket: client });
            } };""";

    /** What a client of the worker's socket receives. */
    static final class Client implements WebSocketReceiver {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void message(WebSocketMessage message) {
            messages.add(message instanceof WebSocketMessage.Text t ? t.text() : "binary");
        }

        @Override
        public void closed(int code, String reason) {
            closed.complete(code);
        }

        String next() throws InterruptedException {
            String message = messages.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("a message").isNotNull();
            return message;
        }
    }

    private static WebSocketEnd open(Worker worker) {
        WorkerResponse response = Engines.get(worker, "http://ws.test/");
        assertThat(response.status()).isEqualTo(101);
        assertThat(response.webSocket()).isPresent();
        return response.webSocket().get();
    }

    @Test
    void reading_pauses_while_the_isolate_is_busy_and_resumes_when_it_catches_up() throws Exception {
        Worker worker = Engines.load(Engines.module(ECHO));
        WebSocketEnd end = open(worker);
        Client client = new Client();
        end.attach(client);
        end.send(new WebSocketMessage.Text("slow"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40 && !end.full(); i++) {
            end.send(new WebSocketMessage.Text("m" + i));
            sent.add("echo: m" + i);
        }
        assertThat(end.full()).as("the isolate's queue for this socket fills while it is busy").isTrue();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        end.whenDrained(() -> drained.complete(null));
        drained.get(30, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("echo: slow");
        for (String expected : sent) {
            assertThat(client.next()).isEqualTo(expected);
        }
        worker.close();
    }

    @Test
    void an_isolate_that_goes_away_closes_its_sockets_with_1001() throws Exception {
        Worker worker = Engines.load(Engines.module(ECHO));
        WebSocketEnd end = open(worker);
        Client client = new Client();
        end.attach(client);
        end.send(new WebSocketMessage.Text("hello"));
        assertThat(client.next()).isEqualTo("echo: hello");
        assertThat(worker.openWebSockets()).isEqualTo(1);
        worker.close();
        assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1001);
    }

    @Test
    void an_isolate_closing_when_idle_waits_for_its_sockets() throws Exception {
        Worker worker = Engines.load(Engines.module(ECHO));
        WebSocketEnd end = open(worker);
        Client client = new Client();
        end.attach(client);
        worker.closeWhenIdle();
        end.send(new WebSocketMessage.Text("still served"));
        assertThat(client.next()).isEqualTo("echo: still served");
        assertThat(worker.isAlive()).isTrue();
        assertThat(worker.whenClosed()).as("not closed while a socket is open").isNotDone();
        end.close(1000, "done");
        assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1000);
        worker.whenClosed().get(30, TimeUnit.SECONDS);
        assertThat(worker.isAlive()).as("closed once its last socket closed").isFalse();
    }

    @Test
    void an_idle_isolate_closing_when_idle_closes_at_once_and_says_so() throws Exception {
        Worker worker = Engines.load(Engines.module("export default { fetch() { return new Response('ok'); } };"));
        assertThat(Engines.text(Engines.get(worker, "http://idle.test/"))).isEqualTo("ok");
        assertThat(worker.whenClosed()).isNotDone();
        worker.closeWhenIdle();
        worker.whenClosed().get(30, TimeUnit.SECONDS);
        assertThat(worker.isAlive()).isFalse();
    }

    @Test
    void two_ends_accepted_in_one_isolate_talk_on_their_budget_until_its_cpu_limit_ends_them() throws Exception {
        List<InvocationRecord> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        Worker worker = Engines.load(Engines.module("""
                let closedWith = 'open';
                let messages = 0;
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/state') return new Response(closedWith + ' ' + messages);
                  const [a, b] = new WebSocketPair();
                  a.accept();
                  b.accept();
                  for (const end of [a, b]) {
                    // each end answers what it receives: the two would talk for ever
                    end.addEventListener('message', (event) => {
                      messages++;
                      let n = 0;
                      while (n < 1e5) n++;
                      try { end.send(event.data); } catch {}
                    });
                    end.addEventListener('close', (event) => { closedWith = 'closed ' + event.code; });
                  }
                  a.send('ping');
                  return new Response('started');
                } };"""), new Engines.RecordingHost() {
            @Override
            public void invocationEnded(InvocationRecord record) {
                ended.add(record);
            }
        });
        InvocationLimits limits = new InvocationLimits(200, 50, 60_000, 128 * 1024);
        assertThat(Engines.text(Engines.get(worker.fetch(new WorkerRequest("GET", "http://ws.test/", List.of(), null),
                limits)))).isEqualTo("started");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (worker.openWebSockets() > 0) {
            assertThat(System.nanoTime()).as("the conversation ended; it is at " + Engines.text(Engines.get(worker,
                    "http://ws.test/state"))).isLessThan(until);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        // Each end's events ran on the budget its accept gave it, and the CPU limit ended them.
        assertThat(ended).extracting(InvocationRecord::outcome).contains(Outcome.EXCEEDED_CPU);
        String[] state = Engines.text(Engines.get(worker, "http://ws.test/state")).split(" ");
        assertThat(Integer.parseInt(state[state.length - 1])).as("messages handled").isGreaterThan(100);
        // The end whose budget was left saw the close, with 1011; when the last turns of both spent
        // what they had left, neither runs code any more, and no close event runs.
        assertThat(String.join(" ", List.of(state).subList(0, state.length - 1))).isIn("closed 1011", "open");
        worker.close();
    }

    @Test
    void a_websocket_is_not_accepted_at_global_scope() {
        Worker worker = Engines.load(Engines.module("""
                const [early] = new WebSocketPair();
                let refused = 'accepted';
                try { early.accept(); } catch (e) { refused = e.message; }
                export default { fetch() { return new Response(refused); } };"""));
        assertThat(Engines.text(Engines.get(worker, "http://ws.test/")))
                .startsWith("Disallowed operation called within global scope: a WebSocket can only be accepted");
        worker.close();
    }

    @Test
    void binary_type_starts_as_blob_from_the_standard_binary_type_date() {
        String code = "export default { fetch() { return new Response(new WebSocketPair()[0].binaryType); } };";
        for (String[] dateAndType : new String[][] {{"2026-03-16", "arraybuffer"}, {"2026-03-17", "blob"}}) {
            Worker worker = Engines.load(new WorkerSource("test-worker", "worker.js", List.of(Engines.esm("worker.js", code)),
                    dateAndType[0], List.of(), List.of()));
            assertThat(Engines.text(Engines.get(worker, "http://ws.test/"))).as(dateAndType[0]).isEqualTo(dateAndType[1]);
            worker.close();
        }
    }

    @Test
    void a_message_over_one_mebibyte_between_isolates_closes_with_1009() throws Exception {
        Worker worker = Engines.load(Engines.module(ECHO));
        WebSocketEnd end = open(worker);
        Client client = new Client();
        end.attach(client);
        end.send(new WebSocketMessage.Binary(new byte[1024 * 1024 + 1]));
        assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1009);
        worker.close();
    }
}
