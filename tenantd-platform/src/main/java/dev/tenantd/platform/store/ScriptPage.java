package dev.tenantd.platform.store;

import dev.tenantd.platform.Script;
import java.util.List;

/** One window of a script list and how many scripts matched in all. */
public record ScriptPage(List<Script> scripts, int total) {
    public ScriptPage {
        scripts = List.copyOf(scripts);
    }
}
