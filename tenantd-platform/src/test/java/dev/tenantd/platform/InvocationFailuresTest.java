package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.ScriptException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What the caller of a worker that could not be loaded is told: the script's own failure, never the server's own text. */
class InvocationFailuresTest {
    private static final ScriptRef REF = new ScriptRef("acct", "ns-id", "shop");

    @Test
    void a_failure_inside_the_server_is_told_without_its_text() {
        InvocationException told = Invoker.asInvocationFailure(REF, new CompletionException(
                new UncheckedIOException("cannot read blob /var/lib/tenantd/blobs/ab/cdef: Permission denied", new IOException())));
        assertThat(told.getMessage()).isEqualTo("Worker 'shop' could not be loaded: an internal error (the server log has "
                + "the details).").doesNotContain("/var/lib");
    }

    @Test
    void the_scripts_own_failure_and_the_platforms_answers_are_told_as_they_are() {
        assertThat(Invoker.asInvocationFailure(REF, new ScriptException("SyntaxError: Unexpected token '}'")).getMessage())
                .isEqualTo("SyntaxError: Unexpected token '}'");
        assertThat(Invoker.asInvocationFailure(REF, new PlatformException(Problem.OVERLOADED, "Server overloaded; try again."))
                .getMessage()).isEqualTo("Server overloaded; try again.");
        InvocationException own = new InvocationException(dev.tenantd.runtime.Outcome.EXCEEDED_CPU, "Worker exceeded CPU time limit.");
        assertThat(Invoker.asInvocationFailure(REF, own)).isSameAs(own);
    }
}
