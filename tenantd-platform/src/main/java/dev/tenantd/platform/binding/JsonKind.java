package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.runtime.Binding;

/** {@code json}: any JSON value on env. */
public final class JsonKind implements BindingKind {
    @Override
    public String type() {
        return "json";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        if (!fields.has("json")) {
            throw new PlatformException(Problem.INVALID_BINDING, "Binding '" + name + "' of type json needs a 'json' field.");
        }
        return fields;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return new Binding.Value(stored.name(), stored.fields().get("json").toString());
    }
}
