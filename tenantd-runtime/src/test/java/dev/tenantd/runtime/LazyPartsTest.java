package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The parts of the runtime JavaScript an isolate loads only when it uses them (lazy.js):
 * {@code node} for the node:* modules, {@code html} behind HTMLRewriter, {@code subtle} behind
 * crypto.subtle's key operations, {@code urlpattern} behind URLPattern, {@code encodings}
 * behind TextDecoder's labels and single-byte encodings, {@code compression} behind the
 * compression streams, {@code eventsource} behind EventSource, {@code sockets} behind
 * cloudflare:sockets, {@code rpc} behind JS RPC calls, made or served, and {@code formdata}
 * behind form bodies. The workers ask
 * the test binding {@code test-parts} whether their isolate has loaded a part.
 */
class LazyPartsTest {
    private static final Binding PARTS = new Binding.Channel("PARTS", "test-parts", 0, "{}");

    // Rewrites a small page, answering what the handler saw (the Element class of the part).
    private static final String REWRITE = """
            async function rewrite(tag) {
              let proto;
              const response = new HTMLRewriter().on('p', {
                element(e) {
                  proto = Object.getPrototypeOf(e);
                  e.setAttribute('class', tag);
                },
              }).transform(new Response('<p>hi</p>', { headers: { 'content-type': 'text/html' } }));
              const body = await response.text();
              globalThis.firstProto ??= proto;
              return `${body} same-class=${globalThis.firstProto === proto}`;
            }
            """;

    private static Worker worker(List<String> flags, String code) {
        return worker(flags, code, new Engines.RecordingHost());
    }

    private static Worker worker(List<String> flags, String code, WorkerHost host) {
        return load(new WorkerSource("lazy-parts", "w.js", List.of(esm("w.js", code)), "2026-11-01", flags,
                List.of(PARTS)), host);
    }

    @Test
    void an_isolate_that_uses_neither_part_loads_neither_and_html_rewriter_looks_as_before() {
        Worker w = worker(List.of(), """
                export default { fetch(request, env) {
                  const d = Object.getOwnPropertyDescriptor(globalThis, 'HTMLRewriter');
                  const shape = [typeof HTMLRewriter, HTMLRewriter.name, 'HTMLRewriter' in globalThis, d.writable,
                    d.enumerable, d.configurable, d.value === HTMLRewriter, typeof HTMLRewriter.prototype.transform];
                  const u = Object.getOwnPropertyDescriptor(globalThis, 'URLPattern');
                  shape.push(URLPattern.name, u.writable, u.enumerable, u.configurable, typeof crypto.subtle.sign);
                  const loaded = ['node', 'html', 'subtle', 'urlpattern', 'encodings'].map((name) => env.PARTS.loaded(name));
                  return new Response([...loaded, ...shape].join());
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false,false,false,false,false,"
                + "function,HTMLRewriter,true,true,false,true,true,function,URLPattern,true,false,true,function");
    }

    @Test
    void utf_8_decoding_leaves_the_encoding_tables_unloaded_and_another_label_loads_them() {
        Worker w = worker(List.of(), """
                export default { fetch(request, env) {
                  const seen = [];
                  const utf8 = new TextDecoder(' UTF8 ').decode(new Uint8Array([0x68, 0xC3, 0xA9]));
                  seen.push(utf8, new TextDecoder().encoding, env.PARTS.loaded('encodings'));
                  const latin = new TextDecoder('latin2').decode(new Uint8Array([0xA3, 0x41]));
                  seen.push(latin, env.PARTS.loaded('encodings'));
                  try { new TextDecoder('no-such-label'); } catch (e) { seen.push(e.name); }
                  return new Response(seen.join());
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("hé,utf-8,false,ŁA,true,RangeError");
    }

    @Test
    void nodejs_compat_loads_the_node_part_at_start_and_leaves_html_alone() {
        Worker w = worker(List.of("nodejs_compat"), """
                import { Buffer } from 'node:buffer';
                export default { fetch(request, env) {
                  return new Response([env.PARTS.loaded('node'), env.PARTS.loaded('html'),
                    Buffer.from('hi').toString('hex')].join());
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("true,false,6869");
    }

    @Test
    void html_loads_on_first_use_from_inside_a_nested_call() {
        Worker w = worker(List.of(), REWRITE + """
                function outer(env, depth) {
                  return depth === 0 ? rewrite('nested') : outer(env, depth - 1);
                }
                export default { async fetch(request, env) {
                  const before = env.PARTS.loaded('html');
                  const body = await outer(env, 50);
                  return new Response(`${before} ${env.PARTS.loaded('html')} ${body}`);
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false true <p class=\"nested\">hi</p> same-class=true");
    }

    @Test
    void html_loads_on_first_use_from_inside_a_microtask() {
        Worker w = worker(List.of(), REWRITE + """
                export default { async fetch(request, env) {
                  const before = env.PARTS.loaded('html');
                  const body = await new Promise((resolve, reject) => {
                    queueMicrotask(() => rewrite('microtask').then(resolve, reject));
                  });
                  return new Response(`${before} ${env.PARTS.loaded('html')} ${body}`);
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false true <p class=\"microtask\">hi</p> same-class=true");
    }

    @Test
    void two_invocations_in_flight_on_one_isolate_both_get_the_one_loaded_part() throws Exception {
        CompletableFuture<WorkerResponse> gate = new CompletableFuture<>();
        List<WorkerRequest> waiting = new CopyOnWriteArrayList<>();
        Engines.RecordingHost host = new Engines.RecordingHost() {
            @Override
            public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
                waiting.add(request);
                return gate;
            }
        };
        Worker w = worker(List.of(), REWRITE + """
                export default { async fetch(request, env) {
                  const before = env.PARTS.loaded('html');
                  await fetch('http://origin.test/');
                  return new Response(`${before} ${await rewrite(new URL(request.url).pathname.slice(1))}`);
                } };""", host);
        CompletableFuture<WorkerResponse> a = w.fetch(new WorkerRequest("GET", "http://x/a", List.of(), null));
        CompletableFuture<WorkerResponse> b = w.fetch(new WorkerRequest("GET", "http://x/b", List.of(), null));
        while (waiting.size() < 2) {
            Thread.sleep(1);
            assertThat(a.isDone() || b.isDone()).as("both invocations wait for the gate").isFalse();
        }
        gate.complete(WorkerResponse.text(200, "ok"));
        assertThat(text(get(a))).isEqualTo("false <p class=\"a\">hi</p> same-class=true");
        assertThat(text(get(b))).isEqualTo("false <p class=\"b\">hi</p> same-class=true");
    }

    @Test
    void web_crypto_keys_and_url_patterns_load_their_parts_on_first_use_and_digest_needs_none() {
        Worker w = worker(List.of(), """
                export default { async fetch(request, env) {
                  const seen = [];
                  const note = () => seen.push(env.PARTS.loaded('subtle') + '/' + env.PARTS.loaded('urlpattern'));
                  await crypto.subtle.digest('SHA-256', new Uint8Array(1));
                  note();
                  const exec = RegExp.prototype.exec;
                  RegExp.prototype.exec = () => null;
                  const pattern = new URLPattern({ pathname: '/books/:id' });
                  const id = pattern.exec('https://x.test/books/7').pathname.groups.id;
                  RegExp.prototype.exec = exec;
                  note();
                  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('k'),
                    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
                  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('m')));
                  note();
                  return new Response(`${seen.join(' ')} ${id} ${mac.length}`);
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false/false false/true true/true 7 32");
    }

    @Test
    void a_worker_that_changes_the_reader_before_the_first_transform_does_not_reach_the_part() {
        Worker w = worker(List.of(), REWRITE + """
                export default { async fetch(request, env) {
                  ReadableStreamDefaultReader.prototype.read = () => { throw new Error('patched read'); };
                  ReadableStream.prototype.getReader = () => { throw new Error('patched getReader'); };
                  return new Response(`${env.PARTS.loaded('html')} ${await rewrite('safe')}`);
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false <p class=\"safe\">hi</p> same-class=true");
    }

    @Test
    void compression_event_source_and_sockets_stay_unloaded_and_their_globals_look_as_before() {
        Worker w = worker(List.of(), """
                export default { fetch(request, env) {
                  const shape = [];
                  for (const name of ['CompressionStream', 'DecompressionStream', 'EventSource', 'ErrorEvent']) {
                    const d = Object.getOwnPropertyDescriptor(globalThis, name);
                    shape.push(d.value.name === name && d.writable && !d.enumerable && d.configurable);
                  }
                  shape.push(Object.getPrototypeOf(CompressionStream) === TransformStream,
                    Object.getPrototypeOf(EventSource.prototype) === EventTarget.prototype,
                    Object.getOwnPropertyNames(EventSource.prototype).sort().join(' '),
                    EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED);
                  const form = new FormData();
                  form.append('a', '1');
                  shape.push([...form].join(';'));
                  const loaded = ['compression', 'eventsource', 'sockets', 'rpc', 'formdata'].map((name) => env.PARTS.loaded(name));
                  return new Response([...loaded, ...shape].join());
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false,false,false,false,false,true,true,true,true,true,true,"
                + "CLOSED CONNECTING OPEN close constructor onerror onmessage onopen readyState url withCredentials,0,1,2,a,1");
    }

    @Test
    void a_compression_stream_loads_its_part_and_round_trips_after_the_worker_changed_the_globals() {
        Worker w = worker(List.of(), """
                export default { async fetch(request, env) {
                  const before = env.PARTS.loaded('compression');
                  const bad = [];
                  try { new CompressionStream('brotli'); } catch (e) { bad.push(e.constructor.name); }
                  bad.push(env.PARTS.loaded('compression'));
                  globalThis.ReadableStream = function () { throw new Error('patched'); };
                  globalThis.WritableStream = function () { throw new Error('patched'); };
                  const packed = new Response(new Blob(['hello, '.repeat(100)]).stream()
                    .pipeThrough(new CompressionStream('gzip')));
                  const bytes = new Uint8Array(await packed.arrayBuffer());
                  const text = await new Response(new Blob([bytes]).stream()
                    .pipeThrough(new DecompressionStream('gzip'))).text();
                  return new Response(`${before} ${bad.join('/')} ${env.PARTS.loaded('compression')} `
                    + `${bytes[0]},${bytes[1]} ${bytes.length < 100} ${text.length} ${text.slice(0, 7)}`);
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false TypeError/false true 31,139 true 700 hello, ");
    }

    @Test
    void event_source_from_a_stream_loads_its_part_and_delivers_each_event() {
        Worker w = worker(List.of(), """
                export default { async fetch(request, env) {
                  const before = env.PARTS.loaded('eventsource');
                  const refused = [];
                  try { new EventSource('not a url'); } catch (e) { refused.push(e.name); }
                  refused.push(env.PARTS.loaded('eventsource'));
                  const stream = new Blob(['retry: 5\\ndata: one\\n\\nevent: tick\\ndata: two\\nid: 7\\n\\n']).stream();
                  const source = EventSource.from(stream);
                  const seen = [source.readyState, source.url === ''];
                  await new Promise((resolve) => {
                    source.onopen = () => seen.push(`open:${source.readyState}`);
                    source.onmessage = (e) => seen.push(`message:${e.data}`);
                    source.addEventListener('tick', (e) => seen.push(`tick:${e.data}:${e.lastEventId}`));
                    source.onerror = (e) => { seen.push(`error:${e instanceof ErrorEvent}:${source.readyState}`); resolve(); };
                  });
                  source.close();
                  return new Response(`${before} ${refused.join('/')} ${env.PARTS.loaded('eventsource')} ${seen.join(' ')}`);
                } };""");
        assertThat(text(get(w, "http://x/")))
                .isEqualTo("false SyntaxError/false true 0 true open:1 message:one tick:two:7 error:true:2");
    }

    @Test
    void importing_cloudflare_sockets_loads_its_part_and_connect_checks_its_address_as_before() {
        Worker w = worker(List.of(), """
                import { connect } from 'cloudflare:sockets';
                import sockets from 'cloudflare:sockets';
                export default { fetch(request, env) {
                  const seen = [env.PARTS.loaded('sockets'), typeof connect, sockets.connect === connect];
                  try { connect(''); } catch (e) { seen.push(e.constructor.name); }
                  return new Response(seen.join());
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("true,function,true,TypeError");
    }

    @Test
    void serving_an_rpc_call_loads_the_rpc_part_and_the_method_sees_the_worker_env() {
        Worker w = worker(List.of(), """
                import { WorkerEntrypoint } from 'cloudflare:workers';
                export default class extends WorkerEntrypoint {
                  fetch() { return new Response(`${this.env.PARTS.loaded('rpc')}`); }
                  add(a, b) { return `${a + b} ${this.env.PARTS.loaded('rpc')}`; }
                }""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("false");
        InvocationOptions options = new InvocationOptions(InvocationLimits.defaults(), "", Optional.empty(),
                InvocationObserver.NONE, Caller.OUTSIDE, Entrypoint.DEFAULT);
        ChannelReply.Data answer = get(w.rpc(new RpcCall("add",
                "{\"t\":\"Array\",\"l\":2,\"p\":[\"0\",1,\"1\",2]}".getBytes(StandardCharsets.UTF_8)), options));
        assertThat(answer.text() + " " + new String(answer.bytes(), StandardCharsets.UTF_8)).isEqualTo("ok \"3 true\"");
        assertThat(text(get(w, "http://x/"))).isEqualTo("true");
    }

    @Test
    void a_form_body_loads_the_formdata_part_both_ways_after_the_worker_changed_uint8array() {
        Worker w = worker(List.of(), """
                export default { async fetch(request, env) {
                  const before = env.PARTS.loaded('formdata');
                  const form = new FormData();
                  form.append('name', 'ada');
                  form.append('file', new Blob(['hi\\r\\n\\r\\nthere'], { type: 'text/plain' }), 'a.txt');
                  globalThis.Uint8Array = function () { throw new Error('patched'); };
                  const sent = new Response(form);
                  const back = await sent.formData();
                  const file = back.get('file');
                  const plain = await new Response('x=1&y=a+b%21', {
                    headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData();
                  let refused = '';
                  try {
                    await new Response('junk', { headers: { 'content-type': 'multipart/form-data; boundary=zz' } }).formData();
                  } catch (e) { refused = e.constructor.name; }
                  return new Response([before, env.PARTS.loaded('formdata'), back.get('name'), file.name, file.type,
                    JSON.stringify(await file.text()), plain.get('x'), plain.get('y'), refused].join());
                } };""");
        assertThat(text(get(w, "http://x/")))
                .isEqualTo("false,true,ada,a.txt,text/plain,\"hi\\r\\n\\r\\nthere\",1,a b!,TypeError");
    }

    @Test
    void a_part_loaded_after_the_worker_changed_object_prototype_is_unaffected() {
        Worker w = worker(List.of(), """
                export default { async fetch(request, env) {
                  Object.prototype.get = undefined;
                  Object.prototype.writable = true;
                  let sockets;
                  try {
                    sockets = await import('cloudflare:sockets');
                  } catch (e) {
                    sockets = e.message;
                  } finally {
                    delete Object.prototype.get;
                    delete Object.prototype.writable;
                  }
                  return new Response([env.PARTS.loaded('sockets'), typeof sockets.connect].join());
                } };""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("true,function");
    }
}
