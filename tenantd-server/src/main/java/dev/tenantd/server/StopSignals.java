package dev.tenantd.server;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a server's operator expects them: the first stops the server
 * gracefully (the JVM's shutdown hooks run, as without this class), a second one while that
 * is under way ends the process at once, as a second Ctrl-C does in most servers. Without it
 * the JVM ignores further signals until the shutdown hooks are done, which may take the whole
 * grace for requests in flight.
 */
final class StopSignals {
    private StopSignals() {
    }

    /** Installs the handlers; {@code announce} prints the line said at the second signal. */
    static void install(java.io.PrintStream announce) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                int status = 128 + signal.getNumber();
                if (stopping.compareAndSet(false, true)) {
                    // Not on the signal's thread: exit waits for the hooks, and a second signal must get through meanwhile.
                    Thread exit = new Thread(() -> System.exit(status), "tenantd-stop");
                    exit.start();
                } else {
                    announce.println("tenantd: a second SIG" + name + " while stopping: ending at once");
                    announce.flush();
                    Runtime.getRuntime().halt(status);
                }
            });
        }
    }
}
