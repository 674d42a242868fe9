package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The API's bounds on a policy's rules apply to what the API is given; a policy the operator
 * configures, or one stored before the bounds, is read as it is (refusing it would stop the
 * server from starting).
 */
class EgressPolicyLimitsTest {
    private static ObjectNode policy(int rules, int ruleChars) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        var block = node.putArray("block");
        for (int i = 0; i < rules; i++) {
            String name = "h" + i + ".example";
            block.add("x".repeat(Math.max(0, ruleChars - name.length())) + name);
        }
        return node;
    }

    @Test
    void the_api_is_held_to_the_bounds_and_the_operator_and_stored_policies_are_not() {
        ObjectNode many = policy(EgressPolicy.MAX_RULES + 1, 0);
        assertThatThrownBy(() -> EgressPolicy.fromApiJson(many, "egress"))
                .isInstanceOf(PlatformException.class).hasMessageContaining("egress.block has 1001 rules");
        assertThat(EgressPolicy.fromJson(many, "[egress]").block()).hasSize(EgressPolicy.MAX_RULES + 1);
        ObjectNode longRule = policy(1, EgressPolicy.MAX_RULE_CHARS + 1);
        assertThatThrownBy(() -> EgressPolicy.fromApiJson(longRule, "egress"))
                .isInstanceOf(PlatformException.class).hasMessageContaining("a rule has at most 256");
        assertThat(EgressPolicy.fromJson(longRule, "stored egress policy").block()).hasSize(1);
        assertThat(EgressPolicy.fromApiJson(policy(EgressPolicy.MAX_RULES, EgressPolicy.MAX_RULE_CHARS), "egress")
                .block()).hasSize(EgressPolicy.MAX_RULES);
    }
}
