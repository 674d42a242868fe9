package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SocketSharesTest {
    @Test
    void each_requester_holds_its_own_count_under_the_total() {
        SocketShares shares = new SocketShares(3, 2);
        assertThat(shares.take("a")).isEmpty();
        assertThat(shares.take("a")).isEmpty();
        assertThat(shares.take("a")).get().asString().startsWith("Too many open sockets: this worker holds 2");
        assertThat(shares.take("b")).isEmpty();
        assertThat(shares.take("c")).get().asString().contains("the server holds its most TCP sockets for workers (3)");
        shares.release("a");
        assertThat(shares.take("c")).isEmpty();
        assertThat(shares.held()).isEqualTo(3);
        shares.release("a");
        shares.release("b");
        shares.release("c");
        assertThat(shares.held()).isZero();
        assertThatThrownBy(() -> shares.release("a")).isInstanceOf(IllegalStateException.class);
    }
}
