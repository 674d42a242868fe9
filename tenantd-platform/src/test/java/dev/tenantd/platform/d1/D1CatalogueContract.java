package dev.tenantd.platform.d1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link D1Catalogue} implementation does; a store's test extends this class and
 * says how to open a catalogue (and how to open it again over the same storage).
 */
public abstract class D1CatalogueContract {

    /** A catalogue over fresh storage, the same storage on each call within one test. */
    protected abstract D1Catalogue catalogue();

    /** Closes and opens the catalogue again over the same storage (a restart). */
    protected abstract D1Catalogue reopen();

    static D1Database db(String account, String name, String at) {
        return new D1Database(UUID.randomUUID().toString(), account, name, at, D1Database.PRODUCTION);
    }

    @Test
    void a_created_database_is_found_by_id_and_by_name_in_its_account_only() {
        D1Catalogue c = catalogue();
        D1Database made = db("acct-a", "orders", "2026-01-01T00:00:00.000Z");
        assertThat(c.create(made)).contains(made);
        assertThat(c.byId("acct-a", made.uuid())).contains(made);
        assertThat(c.byName("acct-a", "orders")).contains(made);
        assertThat(c.byId("acct-b", made.uuid())).isEmpty();
        assertThat(c.exists(made.uuid())).isTrue();
        assertThat(c.exists("00000000-0000-0000-0000-000000000000")).isFalse();
        assertThat(c.byName("acct-b", "orders")).isEmpty();
        assertThat(c.list("acct-b")).isEmpty();
    }

    @Test
    void a_name_is_unique_per_account_but_another_account_may_use_it() {
        D1Catalogue c = catalogue();
        assertThat(c.create(db("acct-a", "orders", "2026-01-01T00:00:00.000Z"))).isPresent();
        assertThat(c.create(db("acct-a", "orders", "2026-01-02T00:00:00.000Z"))).isEmpty();
        assertThat(c.create(db("acct-b", "orders", "2026-01-02T00:00:00.000Z"))).isPresent();
        assertThat(c.list("acct-a")).hasSize(1);
    }

    @Test
    void the_list_is_oldest_first() {
        D1Catalogue c = catalogue();
        c.create(db("acct-a", "second", "2026-01-02T00:00:00.000Z"));
        c.create(db("acct-a", "first", "2026-01-01T00:00:00.000Z"));
        assertThat(c.list("acct-a")).extracting(D1Database::name).containsExactly("first", "second");
    }

    @Test
    void delete_removes_only_the_accounts_own_database() {
        D1Catalogue c = catalogue();
        D1Database made = db("acct-a", "orders", "2026-01-01T00:00:00.000Z");
        c.create(made);
        assertThat(c.delete("acct-b", made.uuid())).isFalse();
        assertThat(c.byId("acct-a", made.uuid())).isPresent();
        assertThat(c.delete("acct-a", made.uuid())).isTrue();
        assertThat(c.delete("acct-a", made.uuid())).isFalse();
        assertThat(c.byId("acct-a", made.uuid())).isEmpty();
        assertThat(c.create(db("acct-a", "orders", "2026-01-03T00:00:00.000Z"))).isPresent();
    }

    @Test
    void an_account_has_at_most_its_limit_of_databases_and_deleting_one_makes_room() {
        D1Catalogue c = catalogue();
        c.create(db("acct-a", "one", "2026-01-01T00:00:00.000Z"), 2);
        D1Database second = db("acct-a", "two", "2026-01-02T00:00:00.000Z");
        c.create(second, 2);
        assertThatThrownBy(() -> c.create(db("acct-a", "three", "2026-01-03T00:00:00.000Z"), 2))
                .isInstanceOfSatisfying(D1Exception.class, e -> assertThat(e.kind()).isEqualTo(D1Exception.Kind.TOO_MANY));
        assertThat(c.list("acct-a")).extracting(D1Database::name).containsExactly("one", "two");
        assertThat(c.create(db("acct-b", "three", "2026-01-03T00:00:00.000Z"), 2)).isPresent();
        // A taken name is still told apart from a full account.
        assertThat(c.create(db("acct-a", "one", "2026-01-04T00:00:00.000Z"), 3)).isEmpty();
        c.delete("acct-a", second.uuid());
        assertThat(c.create(db("acct-a", "three", "2026-01-05T00:00:00.000Z"), 2)).isPresent();
    }

    @Test
    void databases_outlive_a_restart() {
        D1Database made = db("acct-a", "orders", "2026-01-01T00:00:00.000Z");
        catalogue().create(made);
        assertThat(reopen().byId("acct-a", made.uuid())).contains(made);
    }
}
