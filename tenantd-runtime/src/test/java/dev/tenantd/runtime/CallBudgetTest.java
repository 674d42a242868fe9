package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Budgets along a chain of workers calling workers: spent by all, limited by the least. */
class CallBudgetTest {
    private static final long MS = 1_000_000L;

    private static InvocationLimits limits(long cpuMs, int subrequests) {
        return new InvocationLimits(cpuMs, subrequests, 1_000, 0);
    }

    @Test
    void what_a_callee_spends_its_callers_spend_too_and_it_has_the_least_left() {
        CallBudget user = new CallBudget(CallBudget.chainStart(), limits(50, 5));
        CallBudget callee = new CallBudget(user, limits(30_000, 1_000));
        assertThat(callee.cpuNanosLeft()).isEqualTo(50 * MS);
        callee.spend(20 * MS);
        assertThat(user.cpuNanosLeft()).isEqualTo(30 * MS);
        assertThat(callee.cpuNanosLeft()).isEqualTo(30 * MS);
        user.spend(40 * MS);
        assertThat(callee.cpuNanosLeft()).as("never below zero").isZero();
        assertThat(new CallBudget(null, limits(10, 0)).cpuNanosLeft()).isEqualTo(10 * MS);
    }

    @Test
    void a_subrequest_refused_anywhere_along_the_chain_takes_nothing() {
        CallBudget user = new CallBudget(CallBudget.chainStart(), limits(50, 2));
        CallBudget callee = new CallBudget(user, limits(50, 1));
        assertThat(callee.takeSubrequest()).isTrue();
        assertThat(callee.takeSubrequest()).as("the callee's own one is spent").isFalse();
        assertThat(user.takeSubrequest()).as("the refusal gave the user worker's back").isTrue();
        assertThat(user.takeSubrequest()).isFalse();
        CallBudget other = new CallBudget(user, limits(50, 10));
        assertThat(other.takeSubrequest()).as("the caller has none left").isFalse();
        assertThat(user.takeSubrequest()).as("still none, after that refusal").isFalse();
    }

    @Test
    void only_a_user_workers_chain_is_carried_on_and_a_renewed_budget_stays_in_its_kind_of_chain() {
        CallBudget platform = new CallBudget(null, limits(50, 5));
        CallBudget user = new CallBudget(CallBudget.chainStart(), limits(50, 5));
        assertThat(platform.linked()).isFalse();
        assertThat(user.linked()).isTrue();
        assertThat(new CallBudget(user, limits(50, 5)).linked()).isTrue();
        user.spend(50 * MS);
        CallBudget renewed = user.renewed();
        assertThat(renewed.linked()).isTrue();
        assertThat(renewed.cpuNanosLeft()).isEqualTo(50 * MS);
        assertThat(platform.renewed().linked()).isFalse();
    }

    @Test
    void a_renewed_budget_is_new_all_along_the_chain_and_keeps_every_links_limits() {
        CallBudget user = new CallBudget(CallBudget.chainStart(), limits(10, 5));
        CallBudget callee = new CallBudget(user, limits(30_000, 1_000));
        callee.spend(10 * MS);
        assertThat(callee.cpuNanosLeft()).isZero();
        CallBudget renewed = callee.renewed();
        assertThat(renewed.cpuNanosLeft()).as("the user worker's 10 ms, not the callee's 30 s").isEqualTo(10 * MS);
        assertThat(renewed.tightestCpuNanos()).isEqualTo(10 * MS);
        assertThat(callee.tightestCpuNanos()).isEqualTo(10 * MS);
        assertThat(user.cpuNanosLeft()).as("the old chain stays spent").isZero();
    }
}
