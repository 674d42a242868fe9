package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.Secrets;
import dev.tenantd.runtime.Binding;
import java.util.Objects;

/** {@code secret_text}: a string on env, stored encrypted and never returned by the API. */
public final class SecretTextKind implements BindingKind {
    private final Secrets secrets;

    public SecretTextKind(Secrets secrets) {
        this.secrets = Objects.requireNonNull(secrets);
    }

    @Override
    public String type() {
        return "secret_text";
    }

    @Override
    public ObjectNode prepare(String name, ObjectNode fields, BindingScope scope) {
        String text = BindingKinds.requireText(name, type(), fields, "text");
        dev.tenantd.platform.Secrets.checkSize(name, text);
        fields.put("ciphertext", secrets.encrypt(text));
        fields.remove("text");
        return fields;
    }

    @Override
    public Binding toRuntime(BindingSpec stored, int channel, BindingScope scope) {
        return Binding.text(stored.name(), secrets.decrypt(stored.fields().get("ciphertext").asText()));
    }
}
