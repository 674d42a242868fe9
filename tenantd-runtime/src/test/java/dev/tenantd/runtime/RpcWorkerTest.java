package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * RPC calls into a worker as the runtime receives them: the arguments are bytes from another
 * isolate, so whatever they hold, the target answers with an error the caller can read and
 * the isolate goes on serving.
 */
class RpcWorkerTest {
    private static final Worker WORKER = load(Engines.modules("w.js", List.of(esm("w.js", """
            import { WorkerEntrypoint } from 'cloudflare:workers';
            export class Named extends WorkerEntrypoint {
              who() { return `named ${this.ctx.props.tenant}`; }
            }
            export default class extends WorkerEntrypoint {
              add(a, b) { return a + b; }
              describe(value) { return Object.prototype.toString.call(value) + ' ' + JSON.stringify(value); }
              async callIt(fn) { return await fn(1); }
            }""")), List.of()));

    private static ChannelReply.Data call(String method, String argsJson) {
        return call(Entrypoint.DEFAULT, method, argsJson);
    }

    private static ChannelReply.Data call(Entrypoint entrypoint, String method, String argsJson) {
        InvocationOptions options = new InvocationOptions(InvocationLimits.defaults(), "", Optional.empty(),
                InvocationObserver.NONE, Caller.OUTSIDE, entrypoint);
        return get(WORKER.rpc(new RpcCall(method, argsJson.getBytes(StandardCharsets.UTF_8)), options));
    }

    private static String text(ChannelReply.Data data) {
        return data.text() + " " + new String(data.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void a_method_gets_its_arguments_and_answers_its_result() {
        assertThat(text(call("add", "{\"t\":\"Array\",\"l\":2,\"p\":[\"0\",1,\"1\",2]}"))).isEqualTo("ok 3");
    }

    @Test
    void a_named_entrypoint_sees_the_props_of_the_invocation() {
        assertThat(text(call(new Entrypoint(Optional.of("Named"), "{\"tenant\":\"acme\"}"), "who",
                "{\"t\":\"Array\",\"l\":0,\"p\":[]}"))).isEqualTo("ok \"named acme\"");
        assertThat(text(call(new Entrypoint(Optional.of("Missing"), "{}"), "who", "{\"t\":\"Array\",\"l\":0,\"p\":[]}")))
                .isEqualTo("error {\"t\":\"Error\",\"name\":\"TypeError\",\"message\":"
                        + "\"The worker has no entrypoint named \\\"Missing\\\".\",\"cause\":null}");
    }

    @Test
    void arguments_that_are_not_what_rpc_writes_are_refused_with_data_clone_error() {
        String refused = "error {\"t\":\"DOMException\",\"name\":\"DataCloneError\","
                + "\"message\":\"The value sent over RPC could not be read.\"}";
        assertThat(text(call("describe", "not json"))).isEqualTo(refused);
        assertThat(text(call("describe", "{\"t\":\"Nope\"}"))).isEqualTo(refused);
        assertThat(text(call("describe", "{\"t\":\"Object\",\"p\":[\"a\",{\"r\":7}]}"))).isEqualTo(refused);
        assertThat(text(call("describe",
                "{\"t\":\"Array\",\"l\":1,\"p\":[\"0\",{\"t\":\"view\",\"name\":\"constructor\",\"buffer\":{\"t\":\"ArrayBuffer\",\"b\":\"\",\"m\":null},\"o\":0,\"l\":0}]}")))
                .isEqualTo(refused);
        assertThat(text(call("describe", "[".repeat(200_000)))).isEqualTo(refused);
        assertThat(text(call("describe", "{\"t\":\"Object\",\"p\":[]}"))).isEqualTo(refused);
        assertThat(text(call("add", "{\"t\":\"Array\",\"l\":2,\"p\":[\"0\",1,\"1\",2]}"))).isEqualTo("ok 3");
    }

    @Test
    void prototype_names_in_the_arguments_stay_plain_data() {
        String args = "{\"t\":\"Array\",\"l\":1,\"p\":[\"0\",{\"t\":\"Object\",\"p\":[\"__proto__\",{\"t\":\"Object\",\"p\":[\"x\",1]}]}]}";
        assertThat(text(call("describe", args))).isEqualTo("ok \"[object Object] {\\\"__proto__\\\":{\\\"x\\\":1}}\"");
    }

    @Test
    void a_stub_with_no_caller_behind_it_reaches_nothing() {
        String args = "{\"t\":\"Array\",\"l\":1,\"p\":[\"0\",{\"t\":\"stub\",\"i\":0,\"f\":1}]}";
        assertThat(text(call("callIt", args))).contains("The RPC stub is no longer usable");
    }
}
