package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.runtime.Binding;

/** {@code plain_text}: a string on env. */
public final class PlainTextKind implements BindingKind {
    @Override
    public String type() {
        return "plain_text";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        BindingKinds.requireText(name, type(), fields, "text");
        return fields;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return Binding.text(stored.name(), stored.fields().get("text").asText());
    }
}
