package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.InvocationLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Limits narrow, never widen, across platform → namespace → script → call: every
 * combination of the levels setting nothing, something narrower or something wider.
 * Namespaces carry egress policies only; CPU time and subrequests are set by the
 * platform, the script and the call.
 */
class NarrowingTest {

    // ---- CPU time and subrequests: platform → script → call

    /** Above Cloudflare's defaults (30 s, 1,000), so that no hidden default can hide under them. */
    static final Limits PLATFORM = new Limits(60_000, 128, 1_500, 10L * 1024 * 1024, 1_000, 128 * 1024, 300_000,
            100, 100);

    /** A level's setting: none, or a CPU time and a subrequest count. */
    record Setting(String name, OptionalLong cpuMs, OptionalLong subrequests) {
        static Setting none() {
            return new Setting("unset", OptionalLong.empty(), OptionalLong.empty());
        }

        static Setting of(String name, long cpuMs, long subrequests) {
            return new Setting(name, OptionalLong.of(cpuMs), OptionalLong.of(subrequests));
        }

        ScriptLimits asScript() {
            return new ScriptLimits(cpuMs.orElse(0), (int) subrequests.orElse(-1));
        }

        String asCallOptions() {
            return cpuMs.isEmpty() ? "{\"args\":null}"
                    : "{\"args\":null,\"limits\":{\"cpuMs\":" + cpuMs.getAsLong() + ",\"subRequests\":"
                            + subrequests.getAsLong() + "}}";
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> limitRows() {
        List<Setting> scripts = List.of(Setting.none(), Setting.of("narrower", 40_000, 1_200),
                Setting.of("wider", 90_000, 3_000));
        List<Setting> calls = List.of(Setting.none(), Setting.of("narrowest", 20_000, 500),
                Setting.of("between script and platform", 50_000, 1_300), Setting.of("wider", 120_000, 5_000));
        List<Arguments> rows = new ArrayList<>();
        for (Setting script : scripts) {
            for (Setting call : calls) {
                rows.add(Arguments.of(script, call));
            }
        }
        return rows.stream();
    }

    private static long narrowest(long platform, OptionalLong script, OptionalLong call) {
        return Math.min(platform, Math.min(script.orElse(Long.MAX_VALUE), call.orElse(Long.MAX_VALUE)));
    }

    @ParameterizedTest(name = "script {0}, call {1}")
    @MethodSource("limitRows")
    void cpu_time_and_subrequests_are_the_narrowest_any_level_sets(Setting script, Setting call) throws Exception {
        InvocationLimits callLimits = dev.tenantd.platform.binding.DispatchNamespaceKind.callLimits(PLATFORM,
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(call.asCallOptions()));
        InvocationLimits effective = PLATFORM.forInvocation(script.asScript(), callLimits);

        assertThat(effective.cpuMs()).isEqualTo(narrowest(PLATFORM.cpuMs(), script.cpuMs(), call.cpuMs()));
        assertThat((long) effective.subrequests())
                .isEqualTo(narrowest(PLATFORM.subrequests(), script.subrequests(), call.subrequests()));
        assertThat(effective.wallTimeMs()).isEqualTo(PLATFORM.wallTimeMs());
        assertThat(effective.logBytes()).isEqualTo(PLATFORM.logBytes());
    }

    @org.junit.jupiter.api.Test
    void a_call_limit_that_is_not_a_count_is_refused_rather_than_read_as_none() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String value : List.of("-1", "\"five\"", "2.5", "\"\"", "true", "{}", "[]")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.tenantd.platform.binding.DispatchNamespaceKind
                            .callLimits(PLATFORM, json.readTree("{\"limits\":{\"subRequests\":" + value + "}}")))
                    .as(value).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subRequests");
        }
        assertThat(dev.tenantd.platform.binding.DispatchNamespaceKind.callLimits(PLATFORM,
                json.readTree("{\"limits\":{\"subRequests\":0}}")).subrequests()).isZero();
        assertThat(dev.tenantd.platform.binding.DispatchNamespaceKind.callLimits(PLATFORM,
                json.readTree("{\"limits\":{\"subRequests\":7.0}}")).subrequests()).isEqualTo(7);
        assertThat(dev.tenantd.platform.binding.DispatchNamespaceKind.callLimits(PLATFORM,
                json.readTree("{\"limits\":{\"subRequests\":\"5\"}}")).subrequests()).as("as JavaScript converts it")
                .isEqualTo(5);
        assertThat(dev.tenantd.platform.binding.DispatchNamespaceKind.callLimits(PLATFORM,
                json.readTree("{\"limits\":{\"subRequests\":null}}")).subrequests()).as("not given")
                .isEqualTo(PLATFORM.subrequests());
    }

    // ---- egress: platform → namespace → script

    static final EgressPolicy OPEN = EgressPolicy.OPEN;
    static final String LOOPBACK = "127.0.0.1";
    static final String PUBLIC = "93.184.216.34";
    static final String OTHER_PUBLIC = "8.8.8.8";

    /**
     * A level's policy and, spelled out for the table, which of the targets it blocks and
     * which its allow list names.
     */
    record Level(String name, EgressPolicy policy, Set<String> blocks, Set<String> names) {
        static Level unset() {
            return new Level("unset", OPEN, Set.of(), Set.of());
        }

        static Level allowing(String name, Set<String> names, String... rules) {
            return new Level(name, new EgressPolicy(List.of(rules), List.of()), Set.of(), names);
        }

        static Level blocking(String name, Set<String> blocks, String... rules) {
            return new Level(name, new EgressPolicy(List.of(), List.of(rules)), blocks, Set.of());
        }

        /**
         * What this level lets through on its own: nothing it blocks, only what its allow
         * list names when it has one; at the platform, a non-public address only when named.
         */
        boolean lets(String target, boolean platform) {
            boolean isPublic = !target.equals(LOOPBACK);
            return !blocks.contains(target) && (policy.allow().isEmpty() || names.contains(target))
                    && (!platform || isPublic || names.contains(target));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> egressRows() {
        List<Level> platforms = List.of(Level.unset(),
                Level.allowing("allows loopback and one public address", Set.of(LOOPBACK, PUBLIC), LOOPBACK, PUBLIC),
                Level.allowing("allows loopback by range", Set.of(LOOPBACK), "127.0.0.0/8"),
                Level.blocking("blocks both", Set.of(LOOPBACK, PUBLIC), LOOPBACK, PUBLIC));
        List<Level> lower = List.of(Level.unset(),
                Level.allowing("allows loopback and one public address", Set.of(LOOPBACK, PUBLIC), LOOPBACK, PUBLIC),
                Level.allowing("allows loopback by range", Set.of(LOOPBACK), "127.0.0.0/8"),
                Level.allowing("allows another address", Set.of(OTHER_PUBLIC), OTHER_PUBLIC),
                Level.blocking("blocks both by range", Set.of(LOOPBACK, PUBLIC), "127.0.0.0/8", PUBLIC + "/32"));
        List<Arguments> rows = new ArrayList<>();
        for (Level platform : platforms) {
            for (Level namespace : lower) {
                for (Level script : lower) {
                    for (String target : List.of(LOOPBACK, PUBLIC, OTHER_PUBLIC)) {
                        rows.add(Arguments.of(platform, namespace, script, target));
                    }
                }
            }
        }
        return rows.stream();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean reaches(EgressPolicy platform, EgressPolicy namespace, EgressPolicy script, String target) {
        return new EgressPolicies(platform, namespace, script).refusal(target, address(target)).isEmpty();
    }

    @ParameterizedTest(name = "platform {0}, namespace {1}, script {2} → {3}")
    @MethodSource("egressRows")
    void egress_is_the_narrowest_of_the_levels_and_only_the_platform_opens_non_public_addresses(Level platform,
            Level namespace, Level script, String target) {
        boolean reached = reaches(platform.policy(), namespace.policy(), script.policy(), target);

        assertThat(reached).as("reached exactly when every level lets it through")
                .isEqualTo(platform.lets(target, true) && namespace.lets(target, false) && script.lets(target, false));
        if (!reaches(platform.policy(), OPEN, OPEN, target)) {
            assertThat(reached).as("nothing below the platform opens what the platform refuses").isFalse();
        }
        if (reached) {
            assertThat(reaches(platform.policy(), OPEN, script.policy(), target)
                    && reaches(platform.policy(), namespace.policy(), OPEN, target))
                    .as("taking a lower level's policy away never refuses more").isTrue();
        }
    }
}
