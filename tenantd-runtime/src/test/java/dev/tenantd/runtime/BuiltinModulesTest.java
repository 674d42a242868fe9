package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Modules the runtime provides by name ({@code cloudflare:…}, {@code node:…}), imported by uploaded ones. */
class BuiltinModulesTest {

    private static WorkerSource withFlags(List<String> flags, WorkerModule... modules) {
        return new WorkerSource("test-worker", modules[0].name(), List.of(modules), CompatibilityFlags.DEFAULT_DATE,
                flags, List.of(Binding.text("GREETING", "hello")));
    }

    @Test
    void env_is_importable_from_cloudflare_workers_at_module_scope() {
        Worker w = load(withFlags(List.of(), esm("w.js", """
                import { env } from 'cloudflare:workers';
                const atStart = env.GREETING;
                export default { fetch(request, handlerEnv) {
                  return new Response(`${atStart} ${env === handlerEnv}`);
                } };""")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("hello true");
    }

    @Test
    void a_worker_that_defines_a_workflow_or_builds_an_email_message_loads_and_serves() {
        // Common next to a fetch handler; this platform runs neither, but the worker must load.
        Worker w = load(withFlags(List.of(), esm("w.js", """
                import { WorkflowEntrypoint, WorkerEntrypoint } from 'cloudflare:workers';
                import { NonRetryableError } from 'cloudflare:workflows';
                import { EmailMessage } from 'cloudflare:email';
                export class Signup extends WorkflowEntrypoint {
                  async run(event, step) { throw new NonRetryableError('no retries'); }
                }
                export default { fetch() {
                  const flow = new Signup({ id: 1 }, { KEY: 'v' });
                  const error = new NonRetryableError('stop');
                  const mail = new EmailMessage('a@example.com', 'b@example.com', 'Subject: hi\\r\\n\\r\\nbody');
                  return new Response([flow.env.KEY, flow.ctx.id, flow instanceof WorkerEntrypoint, error.name,
                    error instanceof Error, mail.from, mail.to, mail.raw.length].join(' '));
                } };""")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("v 1 false NonRetryableError true a@example.com b@example.com 19");
    }

    @Test
    void a_builtin_is_one_module_for_every_importer_with_named_and_default_exports() {
        Worker w = load(withFlags(List.of("eager_dispatch_lookup"),
                esm("w.js", """
                        import whole, { answer, made } from 'tenantd-test:gated';
                        import { again } from './other.js';
                        export default { fetch() { return new Response(`${whole} ${answer} ${made === again}`); } };"""),
                esm("other.js", "import { made } from 'tenantd-test:gated'; export const again = made;")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("the default 42 true");
    }

    @Test
    void a_builtin_behind_a_flag_is_refused_with_the_flag_to_turn_on() {
        assertThatThrownBy(() -> load(withFlags(List.of(), esm("w.js", """
                import { answer } from 'tenantd-test:gated';
                export default { fetch() { return new Response(String(answer)); } };"""))))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("No such module \"tenantd-test:gated\"")
                .hasMessageContaining("eager_dispatch_lookup");
    }

    @Test
    void an_unknown_builtin_name_is_refused() {
        assertThatThrownBy(() -> load(withFlags(List.of(), esm("w.js", """
                import { nothing } from 'cloudflare:no-such-thing';
                export default { fetch() { return new Response('x'); } };"""))))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("No such module \"cloudflare:no-such-thing\"");
    }

    @Test
    void a_scheme_name_is_only_a_builtin_before_any_path_separator() {
        assertThat(ModuleNames.isBuiltin("node:buffer")).isTrue();
        assertThat(ModuleNames.isBuiltin("cloudflare:workers")).isTrue();
        assertThat(ModuleNames.isBuiltin("./a:b.js")).isFalse();
        assertThat(ModuleNames.isBuiltin("lib/a:b.js")).isFalse();
        assertThat(ModuleNames.isBuiltin(":x")).isFalse();
        assertThat(ModuleNames.isBuiltin("plain.js")).isFalse();
    }
}
