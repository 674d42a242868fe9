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
}
