package dev.tenantd.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.platform.Deployment;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.ModuleRef;
import dev.tenantd.platform.Namespace;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.Script;
import dev.tenantd.platform.ScriptLimits;
import dev.tenantd.platform.ScriptRef;
import dev.tenantd.platform.ScriptVersion;
import dev.tenantd.runtime.ModuleType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, whatever it is built on: each store implementation's
 * tests extend this class and say how to open a fresh store and reopen it on the same data.
 * Concurrency rules live in the store (unique names, unique version numbers), so several
 * nodes sharing one database cannot break them.
 */
public abstract class StoreContract {
    protected Store store;

    /** A new, empty store. */
    protected abstract Store open() throws Exception;

    /** The same data, after closing the store and opening it again. */
    protected abstract Store reopen() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
        store.ensureAccount("acct", "acct");
        store.ensureAccount("other", "other");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static ScriptVersion version(int number) {
        String at = "2026-01-01T00:00:0" + Math.min(number, 9) + ".000Z";
        return new ScriptVersion(UUID.randomUUID().toString(), "", number, "w.js", false, "2024-01-01", List.of(),
                List.of(), List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, "etag-" + number, 1, at, "api", "");
    }

    protected static ScriptVersion version(int number, String createdOn) {
        return new ScriptVersion(UUID.randomUUID().toString(), "", number, "w.js", false, "2024-01-01", List.of(),
                List.of(), List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, "etag-" + number, 1, createdOn, "api", "");
    }

    protected static Optional<Deployment> deploying(ScriptVersion v) {
        return Optional.of(new Deployment(UUID.randomUUID().toString(), v.createdOn(),
                List.of(new Deployment.Split(v.id(), 100)), null, "api"));
    }

    @Test
    void accounts_are_made_once_and_tokens_name_their_account() {
        store.ensureAccount("acct", "renamed?");
        assertThat(store.accounts()).extracting(a -> a.id()).containsExactlyInAnyOrder("acct", "other");
        store.putToken("acct", "hash-1", "ci");
        assertThat(store.tokenAccount("hash-1")).contains("acct");
        assertThat(store.tokenAccount("hash-2")).isEmpty();
        assertThat(store.account("nobody")).isEmpty();
    }

    @Test
    void a_token_replaces_the_earlier_one_of_its_name_and_only_that() {
        store.putToken("acct", "first", "bootstrap");
        store.putToken("other", "kept", "ci");
        store.putToken("acct", "second", "bootstrap");
        assertThat(store.tokenAccount("first")).as("the replaced token").isEmpty();
        assertThat(store.tokenAccount("second")).contains("acct");
        assertThat(store.tokenAccount("kept")).contains("other");
        store.putToken("other", "third", "bootstrap"); // the server started for another account
        assertThat(store.tokenAccount("second")).isEmpty();
        assertThat(store.tokenAccount("third")).contains("other");
        store.putToken("other", "third", "bootstrap"); // the same token again
        assertThat(store.tokenAccount("third")).contains("other");
    }

    @Test
    void namespace_names_are_unique_per_account_and_renames_cannot_take_a_used_name() {
        Namespace a = store.createNamespace("acct", "prod").orElseThrow();
        assertThat(store.createNamespace("acct", "prod")).isEmpty();
        assertThat(store.createNamespace("other", "prod")).isPresent();
        Namespace b = store.createNamespace("acct", "staging").orElseThrow();
        assertThat(store.renameNamespace(b.id(), "prod")).isEmpty();
        assertThat(store.renameNamespace(b.id(), "preview")).map(Namespace::name).contains("preview");
        assertThat(store.namespace("acct", "staging")).isEmpty();
        assertThat(store.namespaceById(a.id())).map(Namespace::name).contains("prod");
        assertThat(store.namespaces("acct")).extracting(Namespace::name).containsExactlyInAnyOrder("prod", "preview");
    }

    @Test
    void a_namespace_is_untrusted_until_its_workers_are_trusted() {
        Namespace ns = store.createNamespace("acct", "prod").orElseThrow();
        assertThat(ns.trustedWorkers()).isFalse();
        assertThat(store.setNamespaceTrustedWorkers(ns.id(), true)).map(Namespace::trustedWorkers).contains(true);
        assertThat(store.namespaceById(ns.id())).map(Namespace::trustedWorkers).contains(true);
        assertThat(store.setNamespaceTrustedWorkers(ns.id(), false)).map(Namespace::trustedWorkers).contains(false);
    }

    @Test
    void a_version_keeps_each_module_with_or_without_its_source_map() {
        String code = "a".repeat(64);
        String map = "b".repeat(64);
        ScriptVersion plain = version(1);
        ScriptVersion v = new ScriptVersion(plain.id(), "", 1, "w.js", false, "2024-01-01", List.of(),
                List.of(new ModuleRef("w.js", ModuleType.ES_MODULE, code, 10, Optional.of(map)),
                        new ModuleRef("lib.js", ModuleType.ES_MODULE, code, 10)),
                List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, "etag-1", 1, plain.createdOn(), "api", "");
        store.saveVersion(ScriptRef.plain("acct", "mapped"), v, deploying(v));
        assertThat(store.version(v.id()).orElseThrow().modules()).extracting(ModuleRef::sourceMapSha256)
                .containsExactly(Optional.of(map), Optional.empty());
    }

    @Test
    void a_new_script_needs_a_deployment_and_versions_are_listed_newest_first() {
        Namespace ns = store.createNamespace("acct", "prod").orElseThrow();
        ScriptRef ref = new ScriptRef("acct", ns.id(), "site");
        assertThatThrownBy(() -> store.saveVersion(ref, version(1), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.script(ref)).isEmpty();
        ScriptVersion v1 = version(1);
        Script created = store.saveVersion(ref, v1, deploying(v1));
        assertThat(created.current().id()).isEqualTo(v1.id());
        ScriptVersion v2 = version(2);
        store.saveVersion(ref, v2, Optional.empty());
        assertThat(store.script(ref).orElseThrow().current().id()).as("undeployed versions do not serve").isEqualTo(v1.id());
        assertThat(store.versions(ref)).extracting(ScriptVersion::number).containsExactly(2, 1);
        ScriptStore.VersionPage second = store.versions(ref, 1, 1);
        assertThat(second.versions()).extracting(ScriptVersion::number).containsExactly(1);
        assertThat(second.total()).isEqualTo(2);
        assertThat(store.versions(ref, 2, 5).versions()).isEmpty();
        assertThat(store.versions(ScriptRef.plain("acct", "none"), 0, 5)).isEqualTo(new ScriptStore.VersionPage(List.of(), 0));
        assertThat(store.latestVersionNumber(ref)).isEqualTo(2);
        Script deployed = store.deploy(ref, deploying(v2).orElseThrow());
        assertThat(deployed.current().id()).isEqualTo(v2.id());
        assertThat(store.deployments(ref)).hasSize(2);
        assertThat(store.version(v1.id())).isPresent();
    }

    @Test
    void a_script_keeps_its_newest_versions_and_deployments_and_whatever_serves() {
        ScriptRef ref = ScriptRef.plain("acct", "busy");
        ScriptVersion first = version(1);
        store.saveVersion(ref, first, deploying(first));
        // the first version keeps serving while many more are uploaded without being deployed
        for (int n = 2; n <= ScriptStore.KEPT_VERSIONS + 20; n++) {
            store.saveVersion(ref, version(n), Optional.empty());
        }
        List<ScriptVersion> kept = store.versions(ref);
        assertThat(kept).hasSize(ScriptStore.KEPT_VERSIONS + 1);
        assertThat(kept.getFirst().number()).isEqualTo(ScriptStore.KEPT_VERSIONS + 20);
        assertThat(kept.getLast().id()).as("the serving version stays").isEqualTo(first.id());
        assertThat(store.version(first.id())).isPresent();
        assertThat(store.script(ref).orElseThrow().current().id()).isEqualTo(first.id());
        // no longer serving, and older than the newest 100, the first version stays while a listed
        // deployment names it (it can be rolled back to)
        for (int i = 0; i < 10; i++) {
            store.deploy(ref, deploying(kept.get(i % 3)).orElseThrow());
        }
        assertThat(store.version(first.id())).isPresent();
        // deployments: the newest are kept
        for (int i = 0; i < ScriptStore.KEPT_VERSIONS + 5; i++) {
            store.deploy(ref, deploying(kept.get(i % 3)).orElseThrow());
        }
        assertThat(store.deployments(ref)).hasSize(ScriptStore.KEPT_VERSIONS);
        // every deployment listed names versions that are still there (to roll back to)
        for (Deployment d : store.deployments(ref)) {
            for (Deployment.Split split : d.versions()) {
                assertThat(store.version(split.versionId())).as(split.versionId()).isPresent();
            }
        }
        assertThat(store.script(ref).orElseThrow().current().id()).isEqualTo(kept.get((ScriptStore.KEPT_VERSIONS + 4) % 3).id());
    }

    @Test
    void a_version_number_is_used_once_per_script_even_when_two_writers_race_for_it() {
        ScriptRef ref = ScriptRef.plain("acct", "site");
        ScriptVersion v1 = version(1);
        store.saveVersion(ref, v1, deploying(v1));
        store.saveVersion(ref, version(2), Optional.empty());
        // A second writer that read the same latest number makes the same next number.
        assertThatThrownBy(() -> store.saveVersion(ref, version(2), Optional.empty()))
                .isInstanceOfSatisfying(PlatformException.class, e -> assertThat(e.problem()).isEqualTo(Problem.CONFLICT));
        assertThat(store.versions(ref)).hasSize(2);
        // Another script may use the same numbers.
        ScriptRef other = ScriptRef.plain("acct", "blog");
        ScriptVersion o1 = version(1);
        assertThat(store.saveVersion(other, o1, deploying(o1)).current().number()).isEqualTo(1);
    }

    @Test
    void plain_workers_namespaces_and_accounts_keep_their_scripts_apart() {
        Namespace ns = store.createNamespace("acct", "prod").orElseThrow();
        ScriptRef plain = ScriptRef.plain("acct", "site");
        ScriptRef user = new ScriptRef("acct", ns.id(), "site");
        ScriptRef foreign = ScriptRef.plain("other", "site");
        for (ScriptRef ref : List.of(plain, user, foreign)) {
            ScriptVersion v = version(1);
            store.saveVersion(ref, v, deploying(v));
        }
        assertThat(store.scripts("acct", ScriptRef.PLAIN)).extracting(Script::ref).containsExactly(plain);
        assertThat(store.scripts("acct", ns.id())).extracting(Script::ref).containsExactly(user);
        assertThat(store.scripts("other", ScriptRef.PLAIN)).extracting(Script::ref).containsExactly(foreign);
        store.deleteNamespace(ns.id());
        assertThat(store.script(user)).as("deleting a namespace deletes its scripts").isEmpty();
        // an upload that finishes after its namespace was deleted stores nothing, and says so
        ScriptVersion late = version(2);
        assertThatThrownBy(() -> store.saveVersion(user, late, deploying(late)))
                .isInstanceOfSatisfying(dev.tenantd.platform.PlatformException.class,
                        e -> assertThat(e.problem()).isEqualTo(dev.tenantd.platform.Problem.NAMESPACE_NOT_FOUND));
        assertThat(store.script(user)).isEmpty();
        assertThat(store.version(late.id())).isEmpty();
        assertThatThrownBy(() -> store.setTags(user, List.of("t")))
                .isInstanceOfSatisfying(dev.tenantd.platform.PlatformException.class,
                        e -> assertThat(e.problem()).isEqualTo(dev.tenantd.platform.Problem.SCRIPT_NOT_FOUND));
        assertThat(store.script(plain)).isPresent();
        assertThat(store.deleteScript(plain)).isTrue();
        assertThat(store.script(plain)).isEmpty();
        assertThat(store.script(foreign)).isPresent();
    }

    @Test
    void a_script_query_filters_by_name_prefix_and_tags_in_creation_order_and_counts_every_match() {
        Namespace ns = store.createNamespace("acct", "prod").orElseThrow();
        Namespace otherNs = store.createNamespace("acct", "staging").orElseThrow();
        String[][] scripts = {{"shop-b", "pro"}, {"shop-a", "pro,eu"}, {"shopx", "free"}, {"blog-1", "pro"},
                {"café", "eu"}, {"shop%", ""}};
        for (int i = 0; i < scripts.length; i++) {
            ScriptRef ref = new ScriptRef("acct", ns.id(), scripts[i][0]);
            ScriptVersion v = version(1, "2026-01-01T00:00:0" + i + ".000Z");
            store.saveVersion(ref, v, deploying(v));
            if (!scripts[i][1].isEmpty()) {
                store.setTags(ref, List.of(scripts[i][1].split(",")));
            }
        }
        for (ScriptRef elsewhere : List.of(new ScriptRef("acct", otherNs.id(), "shop-c"), ScriptRef.plain("acct", "shop-d"),
                new ScriptRef("other", ns.id(), "shop-e"))) {
            ScriptVersion v = version(1);
            store.saveVersion(elsewhere, v, deploying(v));
            store.setTags(elsewhere, List.of("pro"));
        }

        assertThat(names(ScriptQuery.all(), ns)).containsExactly("shop-b", "shop-a", "shopx", "blog-1", "café", "shop%");
        assertThat(names(query(Optional.of("shop"), List.of(), List.of(), 0, 100), ns))
                .containsExactly("shop-b", "shop-a", "shopx", "shop%");
        assertThat(names(query(Optional.of("shop-"), List.of(), List.of(), 0, 100), ns)).containsExactly("shop-b", "shop-a");
        assertThat(names(query(Optional.of("shop%"), List.of(), List.of(), 0, 100), ns))
                .as("a prefix is text, not a pattern").containsExactly("shop%");
        assertThat(names(query(Optional.of("_"), List.of(), List.of(), 0, 100), ns)).isEmpty();
        assertThat(names(query(Optional.of("caf"), List.of(), List.of(), 0, 100), ns)).containsExactly("café");
        assertThat(names(query(Optional.of("café"), List.of(), List.of(), 0, 100), ns)).containsExactly("café");
        assertThat(names(query(Optional.empty(), List.of("pro"), List.of(), 0, 100), ns))
                .containsExactly("shop-b", "shop-a", "blog-1");
        assertThat(names(query(Optional.empty(), List.of("pro", "eu"), List.of(), 0, 100), ns)).containsExactly("shop-a");
        assertThat(names(query(Optional.empty(), List.of(), List.of("pro"), 0, 100), ns))
                .containsExactly("shopx", "café", "shop%");
        assertThat(names(query(Optional.of("shop"), List.of("pro"), List.of("eu"), 0, 100), ns)).containsExactly("shop-b");

        ScriptPage window = store.scripts("acct", ns.id(), query(Optional.empty(), List.of(), List.of(), 1, 2));
        assertThat(window.scripts()).extracting(s -> s.ref().name()).containsExactly("shop-a", "shopx");
        assertThat(window.total()).isEqualTo(6);
        ScriptPage past = store.scripts("acct", ns.id(), query(Optional.of("shop"), List.of(), List.of(), 10, 2));
        assertThat(past.scripts()).isEmpty();
        assertThat(past.total()).isEqualTo(4);
        ScriptPage tagged = store.scripts("acct", ns.id(), query(Optional.empty(), List.of("pro"), List.of(), 2, 5));
        assertThat(tagged.scripts()).extracting(s -> s.ref().name()).containsExactly("blog-1");
        assertThat(tagged.total()).isEqualTo(3);
        assertThat(store.scripts("acct", ns.id(), query(Optional.empty(), List.of("pro"), List.of(), 0, 5)).scripts())
                .as("a page holds whole scripts").allSatisfy(s -> assertThat(s.deployed()).isNotEmpty());
    }

    private List<String> names(ScriptQuery query, Namespace ns) {
        return store.scripts("acct", ns.id(), query).scripts().stream().map(s -> s.ref().name()).toList();
    }

    private static ScriptQuery query(Optional<String> prefix, List<String> required, List<String> excluded, int offset,
            int limit) {
        return new ScriptQuery(prefix, required, excluded, offset, limit);
    }

    @Test
    void tags_settings_and_assets_are_kept_with_the_script() {
        ScriptRef ref = ScriptRef.plain("acct", "site");
        ScriptVersion v = version(1);
        store.saveVersion(ref, v, deploying(v));
        assertThat(store.setTags(ref, List.of("customer-1", "pro")).tags()).containsExactly("customer-1", "pro");
        assertThat(store.setSettings(ref, "{\"logpush\":true}").settingsJson()).contains("logpush");
        store.putAsset(ref, "0123456789abcdef0123456789abcdef", "sha-1", 10);
        assertThat(store.assetBlob(ref, "0123456789abcdef0123456789abcdef")).contains("sha-1");
        assertThat(store.assetBlob(ScriptRef.plain("other", "site"), "0123456789abcdef0123456789abcdef")).isEmpty();
    }

    /**
     * A version of {@code modules} (name → blob) whose assets are {@code assetBlobs} (path → blob); its
     * w.js has a source map.
     */
    private ScriptVersion versionOf(int number, java.util.Map<String, String> modules, java.util.Map<String, String> assetBlobs) {
        List<ModuleRef> refs = modules.entrySet().stream()
                .map(m -> new ModuleRef(m.getKey(), ModuleType.ES_MODULE, m.getValue(), 10,
                        m.getKey().equals("w.js") ? Optional.of(sourceMap(m.getValue())) : Optional.empty()))
                .toList();
        StringBuilder assets = new StringBuilder();
        if (!assetBlobs.isEmpty()) {
            assets.append("{\"manifest\":{");
            assetBlobs.forEach((path, blob) -> assets.append(assets.length() > 13 ? "," : "").append('"').append(path)
                    .append("\":{\"hash\":\"").append(blob, 32, 64).append("\",\"size\":10,\"sha256\":\"").append(blob)
                    .append("\"}"));
            assets.append("}}");
        }
        return new ScriptVersion(UUID.randomUUID().toString(), "", number, "w.js", false, "2024-01-01", List.of(),
                refs, List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, "etag-" + number, 1, "2026-01-01T00:00:00.000Z",
                "api", assets.isEmpty() ? "" : store.saveAssetManifest(assets.toString()));
    }

    /** A made-up SHA-256 in hex: {@code kind} and {@code n} make it unique. */
    private static String sha(char kind, int n) {
        return String.format("%c%063x", kind, n).replace(' ', '0');
    }

    /** The made-up blob of the source map of the module in {@code blob}. */
    private static String sourceMap(String blob) {
        return "d" + blob.substring(0, 63);
    }

    private java.util.Set<String> referenced() {
        java.util.Set<String> out = new java.util.HashSet<>();
        store.referencedBlobs(out::add);
        return out;
    }

    @Test
    void every_blob_a_version_or_an_asset_record_names_is_referenced_until_it_is_gone() {
        ScriptRef site = ScriptRef.plain("acct", "site");
        ScriptVersion v1 = versionOf(1, java.util.Map.of("w.js", sha('a', 1), "lib.js", sha('a', 2)),
                java.util.Map.of("/index.html", sha('e', 1)));
        store.saveVersion(site, v1, deploying(v1));
        store.putAsset(site, sha('e', 1).substring(32), sha('e', 1), 10);
        store.putAsset(site, sha('e', 9).substring(32), sha('e', 9), 10); // uploaded, in no version
        ScriptRef other = ScriptRef.plain("other", "site");
        ScriptVersion o1 = versionOf(1, java.util.Map.of("w.js", sha('b', 1)), java.util.Map.of());
        store.saveVersion(other, o1, deploying(o1));
        assertThat(referenced()).contains(sha('a', 1), sha('a', 2), sourceMap(sha('a', 1)), sha('e', 1), sha('e', 9), sha('b', 1));

        // versions past the newest 100 that nothing deploys no longer refer to their blobs
        for (int n = 2; n <= ScriptStore.KEPT_VERSIONS + 3; n++) {
            ScriptVersion v = versionOf(n, java.util.Map.of("w.js", sha('c', n)), java.util.Map.of());
            store.saveVersion(site, v, n == 2 ? deploying(v) : Optional.empty());
        }
        assertThat(referenced()).doesNotContain(sha('c', 3))
                .contains(sha('c', 2), sha('c', 4), sha('c', ScriptStore.KEPT_VERSIONS + 3), sha('b', 1))
                .as("a listed deployment names the first version").contains(sha('a', 1), sha('a', 2), sourceMap(sha('a', 1)))
                .as("the asset records stay until they are dropped").contains(sha('e', 1), sha('e', 9));
        Deployment second = store.deployments(site).getFirst();
        for (int i = 0; i < ScriptStore.KEPT_VERSIONS; i++) {
            store.deploy(site, new Deployment(UUID.randomUUID().toString(), second.createdOn(), second.versions(), null,
                    "api"));
        }
        assertThat(referenced()).doesNotContain(sha('a', 1), sha('a', 2), sourceMap(sha('a', 1))).contains(sha('c', 2));

        assertThat(store.deleteScript(other)).isTrue();
        assertThat(referenced()).doesNotContain(sha('b', 1));
    }

    @Test
    void a_deleted_scripts_asset_records_go_with_it_and_a_namespaces_with_it() {
        // A script uploaded later under the same name (another customer's) must upload the files
        // itself: records left behind would let it serve the deleted one's without having them.
        Namespace ns = store.createNamespace("acct", "customers").orElseThrow();
        ScriptRef deleted = new ScriptRef("acct", ns.id(), "shop");
        ScriptRef kept = new ScriptRef("acct", ns.id(), "blog");
        for (ScriptRef ref : List.of(deleted, kept)) {
            ScriptVersion v = versionOf(1, java.util.Map.of("w.js", sha('a', 1)), java.util.Map.of("/a.css", sha('e', 1)));
            store.saveVersion(ref, v, deploying(v));
            store.putAsset(ref, sha('e', 1).substring(32), sha('e', 1), 10);
        }
        assertThat(store.deleteScript(deleted)).isTrue();
        assertThat(store.assetBlob(deleted, sha('e', 1).substring(32))).isEmpty();
        assertThat(store.assetBlob(kept, sha('e', 1).substring(32))).contains(sha('e', 1));

        assertThat(store.deleteNamespace(ns.id())).isTrue();
        assertThat(store.assetBlob(kept, sha('e', 1).substring(32))).isEmpty();
    }

    @Test
    void deployments_are_listed_in_the_order_they_were_made_whatever_the_clock_said() {
        ScriptRef ref = ScriptRef.plain("acct", "stepped");
        ScriptVersion first = version(1, "2026-01-01T00:00:09.000Z");
        store.saveVersion(ref, first, deploying(first));
        // the machine's clock was stepped back between the two deployments
        ScriptVersion second = version(2, "2026-01-01T00:00:01.000Z");
        store.saveVersion(ref, second, deploying(second));

        assertThat(store.deployments(ref)).extracting(d -> d.versions().getFirst().versionId())
                .containsExactly(second.id(), first.id());
        assertThat(store.script(ref).orElseThrow().current().id()).isEqualTo(second.id());
    }

    @Test
    void a_change_made_atomically_is_kept_whole_or_not_at_all() {
        ScriptRef ref = ScriptRef.plain("acct", "whole");
        ScriptVersion first = version(1);
        store.saveVersion(ref, first, deploying(first));
        ScriptVersion second = version(2);

        assertThatThrownBy(() -> store.atomically(() -> {
            store.saveVersion(ref, second, deploying(second));
            store.setTags(ref, List.of("half"));
            store.createNamespace("acct", "made-in-passing");
            throw new IllegalStateException("the last part failed");
        })).hasMessage("the last part failed");

        Script now = store.script(ref).orElseThrow();
        assertThat(now.current().id()).isEqualTo(first.id());
        assertThat(now.tags()).isEmpty();
        assertThat(store.versions(ref)).hasSize(1);
        assertThat(store.namespace("acct", "made-in-passing")).isEmpty();

        Script whole = store.atomically(() -> {
            store.saveVersion(ref, second, deploying(second));
            return store.setTags(ref, List.of("whole"));
        });
        assertThat(whole.current().id()).isEqualTo(second.id());
        assertThat(store.script(ref).orElseThrow().tags()).containsExactly("whole");
    }

    @Test
    void asset_records_no_version_serves_are_dropped_once_unused_for_long_enough() {
        ScriptRef site = ScriptRef.plain("acct", "site");
        ScriptVersion v1 = versionOf(1, java.util.Map.of("w.js", sha('a', 1)), java.util.Map.of("/a.css", sha('e', 1)));
        store.saveVersion(site, v1, deploying(v1));
        ScriptRef gone = ScriptRef.plain("acct", "never-deployed");
        for (ScriptRef ref : List.of(site, gone)) {
            for (int n = 1; n <= 3; n++) {
                store.putAsset(ref, sha('e', n).substring(32), sha('e', n), 10);
            }
        }
        long stored = System.currentTimeMillis();
        assertThat(store.dropUnusedAssets(stored - 60_000)).as("all were used within the last minute").isZero();

        // a cutoff after every record above was stored, and a touch at or after it
        long cutoff = stored + 1;
        while (System.currentTimeMillis() < cutoff) {
            Thread.onSpinWait();
        }
        store.touchAssets(site, List.of(sha('e', 2).substring(32)));
        // site: /a.css is served by v1 and e2 was just named by a session; e3 goes. never-deployed: all three go.
        assertThat(store.dropUnusedAssets(cutoff)).isEqualTo(4);
        assertThat(store.assetBlob(site, sha('e', 1).substring(32))).contains(sha('e', 1));
        assertThat(store.assetBlob(site, sha('e', 2).substring(32))).contains(sha('e', 2));
        assertThat(store.assetBlob(site, sha('e', 3).substring(32))).isEmpty();
        for (int n = 1; n <= 3; n++) {
            assertThat(store.assetBlob(gone, sha('e', n).substring(32))).isEmpty();
        }
        assertThat(referenced()).contains(sha('e', 1), sha('e', 2)).doesNotContain(sha('e', 3));
    }

    @Test
    void an_asset_manifest_is_stored_once_by_its_content_and_dropped_once_no_version_names_it_for_long_enough() {
        String json = "{\"manifest\":{\"/a.css\":{\"hash\":\"" + sha('e', 1).substring(32) + "\",\"size\":10,"
                + "\"sha256\":\"" + sha('e', 1) + "\"}}}";
        String id = store.saveAssetManifest(json);
        assertThat(store.saveAssetManifest(json)).isEqualTo(id);
        assertThat(store.assetManifest(id)).contains(json);
        assertThat(store.assetManifest("no-such-manifest")).isEmpty();
        String orphan = store.saveAssetManifest(json.replace("/a.css", "/b.css"));
        assertThat(orphan).isNotEqualTo(id);
        ScriptRef site = ScriptRef.plain("acct", "site");
        ScriptVersion v = version(1);
        v = new ScriptVersion(v.id(), v.scriptId(), v.number(), v.mainModule(), v.serviceWorker(), v.compatibilityDate(),
                v.compatibilityFlags(), v.modules(), v.bindings(), v.limits(), v.egress(), v.etag(), v.startupTimeMs(),
                v.createdOn(), v.source(), id);
        store.saveVersion(site, v, deploying(v));
        assertThat(store.script(site).orElseThrow().current().assetsId()).isEqualTo(id);
        assertThat(referenced()).contains(sha('e', 1));

        long stored = System.currentTimeMillis();
        store.dropUnusedAssets(stored - 60_000);
        assertThat(store.assetManifest(orphan)).as("stored within the last minute").isPresent();
        long cutoff = stored + 1;
        while (System.currentTimeMillis() < cutoff) {
            Thread.onSpinWait();
        }
        store.dropUnusedAssets(cutoff);
        assertThat(store.assetManifest(orphan)).as("no version names it").isEmpty();
        assertThat(store.assetManifest(id)).as("a version names it").contains(json);
        assertThat(store.deleteScript(site)).isTrue();
        store.dropUnusedAssets(cutoff);
        assertThat(store.assetManifest(id)).as("its only version is gone").isEmpty();
        assertThat(referenced()).doesNotContain(sha('e', 1));
    }

    @Test
    void everything_written_is_there_after_a_restart() throws Exception {
        Namespace ns = store.createNamespace("acct", "prod").orElseThrow();
        ScriptRef ref = new ScriptRef("acct", ns.id(), "site");
        ScriptVersion v = version(1);
        store.saveVersion(ref, v, deploying(v));
        store.setTags(ref, List.of("t"));
        store.putToken("acct", "hash", "ci");
        store = reopen();
        assertThat(store.namespace("acct", "prod")).map(Namespace::id).contains(ns.id());
        Script again = store.script(ref).orElseThrow();
        assertThat(again.current().id()).isEqualTo(v.id());
        assertThat(again.tags()).containsExactly("t");
        assertThat(store.tokenAccount("hash")).contains("acct");
    }
}
