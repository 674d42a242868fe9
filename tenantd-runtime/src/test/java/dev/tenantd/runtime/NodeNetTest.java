package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * node:net's and node:tls's client sockets (nodejs_compat) over connect() of cloudflare:sockets,
 * against real loopback servers: Node's events and stream behaviour, as database and mail
 * drivers use them.
 */
class NodeNetTest {

    private static Worker load(SocketsTest.SocketHost host, String code) {
        WorkerSource source = new WorkerSource("test-worker", "w.js", List.of(esm("w.js", code)),
                CompatibilityFlags.DEFAULT_DATE, List.of("nodejs_compat"), List.of());
        return get(Engines.ENGINE.load(source, host));
    }

    private static String call(Worker w, String path) {
        return text(get(w.fetch(new WorkerRequest("GET", "http://x" + path, List.of(), new byte[0]))));
    }

    @Test
    void a_socket_connects_writes_reads_its_answers_and_closes_with_nodes_events() throws Exception {
        try (SocketsTest.Server server = new SocketsTest.Server(SocketsTest::echo)) {
            SocketsTest.SocketHost host = new SocketsTest.SocketHost();
            Worker w = load(host, """
                    import net from 'node:net';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const events = [];
                      const socket = net.connect(port, '127.0.0.1', () => events.push('listener'));
                      events.push(socket.connecting ? 'connecting' : 'not connecting');
                      socket.on('connect', () => events.push('connect ' + socket.remoteAddress + ' ' + (socket.remotePort === port)));
                      socket.on('ready', () => events.push('ready'));
                      socket.setEncoding('utf8');
                      let got = '';
                      socket.on('data', (chunk) => {
                        got += chunk;
                        if (got.endsWith('two\\n')) socket.end();
                      });
                      // Written before the connection is open: sent once it is.
                      socket.write('one\\n');
                      socket.write(Buffer.from('two\\n'));
                      await new Promise((resolve, reject) => { socket.on('close', resolve); socket.on('error', reject); });
                      events.push('close ' + JSON.stringify(got) + ' ' + socket.bytesWritten + ' ' + socket.bytesRead);
                      return new Response(events.join(', '));
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo(
                    "connecting, listener, connect 127.0.0.1 true, ready, close \"one\\ntwo\\n\" 8 8");
            assertThat(host.connected).containsExactly("127.0.0.1:" + server.port() + " OFF");
        }
    }

    @Test
    void the_peers_end_ends_the_readable_side_after_its_answer() throws Exception {
        try (SocketsTest.Server server = new SocketsTest.Server(s -> {
            try {
                byte[] all = s.getInputStream().readAllBytes();
                s.getOutputStream().write(("got " + all.length + " bytes").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })) {
            Worker w = load(new SocketsTest.SocketHost(), """
                    import { createConnection } from 'node:net';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = createConnection({ host: '127.0.0.1', port });
                      socket.end(new Uint8Array(1234));
                      const chunks = [];
                      for await (const chunk of socket) chunks.push(chunk);
                      // Both sides over, the socket closes (its 'close' may come a tick after the last chunk).
                      await new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', resolve)));
                      return new Response(Buffer.concat(chunks).toString() + ' ' + socket.destroyed);
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo("got 1234 bytes true");
        }
    }

    @Test
    void a_refused_connection_is_an_error_event_and_tls_connect_asks_for_tls() throws Exception {
        try (SocketsTest.Server server = new SocketsTest.Server(SocketsTest::echo)) {
            SocketsTest.SocketHost host = new SocketsTest.SocketHost();
            Worker w = load(host, """
                    import net from 'node:net';
                    import tls from 'node:tls';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const closed = await new Promise((resolve) => {
                        net.connect({ host: '127.0.0.1', port: 1 }).on('error', (e) => resolve(e.code + ' ' + e.syscall));
                      });
                      const secure = tls.connect({ host: 'localhost', port, servername: 'localhost' });
                      const answer = await new Promise((resolve, reject) => {
                        secure.on('secureConnect', () => secure.write('hi'));
                        secure.on('data', (d) => { secure.destroy(); resolve(d.toString()); });
                        secure.on('error', reject);
                      });
                      let upgrade;
                      try { tls.connect({ socket: new net.Socket() }); } catch (e) { upgrade = e.code; }
                      let path;
                      try { net.connect({ path: '/tmp/x.sock' }); } catch (e) { path = e.code; }
                      return new Response([closed, answer, secure.encrypted, upgrade, path].join(' | '));
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo("ECONNREFUSED connect | hi | true"
                    + " | ERR_FEATURE_UNAVAILABLE_ON_PLATFORM | ERR_FEATURE_UNAVAILABLE_ON_PLATFORM");
            assertThat(host.connected).containsExactly("localhost:" + server.port() + " ON");
        }
    }

    @Test
    void connecting_a_destroyed_socket_opens_nothing_and_says_so() throws Exception {
        try (SocketsTest.Server server = new SocketsTest.Server(SocketsTest::echo)) {
            SocketsTest.SocketHost host = new SocketsTest.SocketHost();
            Worker w = load(host, """
                    import net from 'node:net';
                    export default { async fetch(request) {
                      const port = Number(new URL(request.url).searchParams.get('port'));
                      const socket = new net.Socket();
                      socket.destroy();
                      const code = await new Promise((resolve) => {
                        socket.on('error', (e) => resolve(e.code));
                        socket.connect(port, '127.0.0.1');
                      });
                      return new Response(code);
                    } };""");
            assertThat(call(w, "/?port=" + server.port())).isEqualTo("ERR_SOCKET_CLOSED");
            assertThat(host.connected).isEmpty();
        }
    }
}
