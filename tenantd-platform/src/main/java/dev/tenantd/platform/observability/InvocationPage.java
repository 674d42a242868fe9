package dev.tenantd.platform.observability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A page of invocations, newest first, and where the next page starts if there is one. */
public record InvocationPage(List<InvocationEntry> entries, Optional<InvocationCursor> next) {
    public InvocationPage {
        entries = List.copyOf(entries);
        Objects.requireNonNull(next, "next");
    }
}
