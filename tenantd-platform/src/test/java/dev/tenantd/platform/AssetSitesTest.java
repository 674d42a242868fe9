package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sites parsed from stored manifests: the fields serving needs, and a cache bounded by the
 * files its sites hold, not by how many sites there are.
 */
class AssetSitesTest {
    /** Manifests by id, as a store keeps them; how many times each was read. */
    private final java.util.Map<String, String> stored = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Integer> reads = new java.util.concurrent.ConcurrentHashMap<>();

    private AssetSites sites() {
        return new AssetSites(id -> {
            reads.merge(id, 1, Integer::sum);
            return java.util.Optional.ofNullable(stored.get(id));
        });
    }

    /** A version whose assets are {@code manifest} ("" for none), stored under an id of its own. */
    private ScriptVersion version(String manifest) {
        String id = manifest.isEmpty() ? "" : UUID.randomUUID().toString();
        if (!id.isEmpty()) {
            stored.put(id, manifest);
        }
        return withAssets(id);
    }

    private static ScriptVersion withAssets(String id) {
        return new ScriptVersion(UUID.randomUUID().toString(), "", 1, "w.js", false, "2024-01-01", List.of(),
                List.of(), List.of(), ScriptLimits.NONE, EgressPolicy.OPEN, "etag", 1, "2026-01-01T00:00:00.000Z",
                "api", id);
    }

    /** A manifest of {@code n} files named /f0 ... */
    private static String manifest(int n, String config) {
        StringBuilder json = new StringBuilder("{\"manifest\":{");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("\"/f").append(i).append("\":{\"hash\":\"")
                    .append(String.format("%032x", i)).append("\",\"size\":3,\"sha256\":\"")
                    .append(String.format("%064x", i)).append("\"}");
        }
        return json.append("}").append(config == null ? "" : ",\"config\":" + config).append("}").toString();
    }

    @Test
    void a_manifest_gives_each_file_its_hash_and_blob_and_the_config_whether_the_worker_runs_first() {
        AssetSites.Site site = AssetSites.parse("{\"manifest\":{\"/index.html\":{\"hash\":\"h1\",\"size\":10,"
                + "\"sha256\":\"s1\",\"extra\":[1,{\"a\":2}]},\"/a.css\":{\"size\":1,\"sha256\":\"s2\",\"hash\":\"h2\"}},"
                + "\"config\":{\"html_handling\":\"none\",\"run_worker_first\":true},\"later\":{\"x\":[]}}");
        assertThat(site.runWorkerFirst()).isTrue();
        assertThat(site.files()).hasSize(2);
        assertThat(site.file("/index.html")).contains(new AssetSites.File("h1", "s1"));
        assertThat(site.file("/a.css")).contains(new AssetSites.File("h2", "s2"));
        assertThat(site.file("/missing")).isEmpty();
        assertThat(AssetSites.parse(manifest(1, null)).runWorkerFirst()).isFalse();
        assertThat(sites().of(version("")).files()).isEmpty();
        assertThat(reads).as("a version without assets reads nothing").isEmpty();
    }

    @Test
    void a_site_is_known_without_parsing_only_once_it_is_cached() {
        AssetSites sites = sites();
        ScriptVersion v = version(manifest(3, "{\"run_worker_first\":true}"));
        assertThat(sites.cached(v)).isEmpty();
        AssetSites.Site site = sites.of(v);
        assertThat(sites.cached(v)).containsSame(site);
        assertThat(site.runWorkerFirst()).isTrue();
        // another version of the same manifest shares its site: read once
        ScriptVersion same = withAssets(v.assetsId());
        assertThat(sites.of(same)).isSameAs(site);
        assertThat(reads.get(v.assetsId())).isEqualTo(1);
        // a manifest no longer stored serves nothing
        assertThat(sites.of(withAssets("gone")).files()).isEmpty();
    }

    @Test
    void the_cache_holds_sites_up_to_a_number_of_files_and_keeps_the_most_recently_served() {
        AssetSites sites = sites();
        int perSite = AssetSites.MAX_CACHED_FILES / 3 + 1;
        String json = manifest(perSite, "{}");
        ScriptVersion first = version(json);
        ScriptVersion second = version(json);
        AssetSites.Site firstSite = sites.of(first);
        assertThat(sites.of(first)).as("cached").isSameAs(firstSite);
        AssetSites.Site secondSite = sites.of(second);
        sites.of(first); // served last: the most recent
        sites.of(version(json)); // a third site: the least recently served goes
        assertThat(sites.cachedFiles()).isLessThanOrEqualTo(AssetSites.MAX_CACHED_FILES);
        assertThat(sites.of(first)).isSameAs(firstSite);
        assertThat(sites.of(second)).as("evicted and parsed again").isNotSameAs(secondSite).isEqualTo(secondSite);
        for (int i = 0; i < 3; i++) {
            sites.of(version(json));
            assertThat(sites.cachedFiles()).isLessThanOrEqualTo(AssetSites.MAX_CACHED_FILES);
        }
        // a single site larger than the bound is still cached on its own
        AssetSites alone = sites();
        ScriptVersion big = version(manifest(AssetSites.MAX_CACHED_FILES + 1, null));
        assertThat(alone.of(big)).isSameAs(alone.of(big));
    }
}
