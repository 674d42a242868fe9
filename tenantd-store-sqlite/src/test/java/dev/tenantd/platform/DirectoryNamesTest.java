package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory's names of namespaces when changes are applied in another order than they
 * were stored: a namespace deleted or renamed while another of the same name is made leaves the
 * name to the new one.
 */
class DirectoryNamesTest {
    @TempDir
    Path dir;
    private SqliteStore store;
    private Directory directory;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        store.ensureAccount("acct", "acct");
        directory = new Directory(store, "acct", "localhost", List.of());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void a_namespace_deleted_as_another_of_its_name_is_made_leaves_the_name_to_the_new_one() {
        Namespace first = store.createNamespace("acct", "tenants").orElseThrow();
        directory.apply(new Change.Namespace("acct", "tenants", first.id()));
        // Stored: the delete, then the new one; applied: the new one, then the delete.
        store.deleteNamespace(first.id());
        Namespace second = store.createNamespace("acct", "tenants").orElseThrow();
        directory.apply(new Change.Namespace("acct", "tenants", second.id()));
        directory.apply(new Change.NamespaceDeleted("acct", "tenants", first.id()));
        assertThat(directory.namespace("acct", "tenants").map(Namespace::id)).contains(second.id());
        assertThat(directory.namespaceById(first.id())).isEmpty();
    }

    @Test
    void a_namespace_renamed_as_another_takes_its_old_name_leaves_that_name_to_the_new_one() {
        Namespace first = store.createNamespace("acct", "tenants").orElseThrow();
        directory.apply(new Change.Namespace("acct", "tenants", first.id()));
        store.renameNamespace(first.id(), "archive");
        Namespace second = store.createNamespace("acct", "tenants").orElseThrow();
        directory.apply(new Change.Namespace("acct", "tenants", second.id()));
        directory.apply(new Change.Namespace("acct", "tenants", first.id()));
        assertThat(directory.namespace("acct", "tenants").map(Namespace::id)).contains(second.id());
        assertThat(directory.namespace("acct", "archive").map(Namespace::id)).contains(first.id());
    }

    @Test
    void a_change_that_cannot_be_read_at_once_leaves_the_directory_as_it_was_and_is_read_later() {
        // Reads fail while the flag is up, as when every read connection stays taken.
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        dev.tenantd.platform.store.Store flaky = (dev.tenantd.platform.store.Store) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.tenantd.platform.store.Store.class}, (proxy, method, args) -> {
                    if (failing.get() && (method.getName().equals("namespaceById") || method.getName().equals("script"))) {
                        throw new PlatformException(Problem.OVERLOADED, "busy with other reads");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (Directory reading = new Directory(flaky, "acct", "localhost", List.of())) {
            Namespace ns = store.createNamespace("acct", "tenants").orElseThrow();
            reading.apply(new Change.Namespace("acct", "tenants", ns.id()));
            failing.set(true);
            store.renameNamespace(ns.id(), "archive");
            reading.apply(new Change.Namespace("acct", "tenants", ns.id()));
            // nothing half-applied: the namespace is still found, under the name it had
            assertThat(reading.namespace("acct", "tenants").map(Namespace::id)).contains(ns.id());
            assertThat(reading.namespaceById(ns.id()).map(Namespace::name)).contains("tenants");

            failing.set(false);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (reading.namespace("acct", "archive").isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(reading.namespace("acct", "archive").map(Namespace::id)).as("read once the store answers")
                    .contains(ns.id());
            assertThat(reading.namespace("acct", "tenants")).isEmpty();
        }
    }
}
