package dev.tenantd.platform.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.PlatformException;
import dev.tenantd.platform.Problem;
import dev.tenantd.platform.ScriptUpload;
import dev.tenantd.runtime.Binding;
import dev.tenantd.runtime.ChannelCall;
import dev.tenantd.runtime.ChannelReply;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The registry of binding kinds: the one place that maps a binding's type to the code
 * that checks, builds and serves it. Bindings of a version are numbered in their stored
 * order; a channel binding's number is its position, so a call names its binding by it.
 * The channels of {@link BindingKind#unnamed() unnamed} kinds, which every script has,
 * come after the version's own bindings, in registration order.
 */
public final class BindingKinds {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private static final ObjectNode NO_FIELDS = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();

    private final Map<String, BindingKind> kinds;
    private final List<BindingKind> unnamed;

    private BindingKinds(Map<String, BindingKind> kinds, List<BindingKind> unnamed) {
        this.kinds = kinds;
        this.unnamed = unnamed;
    }

    /** A registry of these kinds; a type given twice is a programming error. */
    public static BindingKinds of(List<BindingKind> kinds) {
        Map<String, BindingKind> byType = new LinkedHashMap<>();
        Set<String> types = new HashSet<>();
        List<BindingKind> unnamed = new ArrayList<>();
        for (BindingKind kind : kinds) {
            if (!types.add(kind.type())) {
                throw new IllegalArgumentException("binding type registered twice: " + kind.type());
            }
            if (kind.unnamed()) {
                unnamed.add(kind);
            } else {
                byType.put(kind.type(), kind);
            }
        }
        return new BindingKinds(Map.copyOf(byType), List.copyOf(unnamed));
    }

    /** The JavaScript of every channel kind, for the engine to run in each isolate. */
    public List<String> scripts() {
        return scripts(java.util.stream.Stream.concat(kinds.values().stream(), unnamed.stream())
                .map(BindingKind::script).flatMap(Optional::stream).toList());
    }

    /** The JavaScript of these classpath resources, each once, in a stable order. */
    public static List<String> scripts(List<String> resources) {
        return resources.stream().distinct().sorted().map(BindingKinds::read).toList();
    }

    /**
     * Checks uploaded bindings and puts them in their stored form. A binding of type
     * {@code inherit} takes the binding of that name from {@code previous}; bindings of the
     * types in {@code keepTypes} (or all, with {@link ScriptUpload#KEEP_ALL}) that the upload
     * does not name are taken over from {@code previous} as they are. The result holds at most
     * what {@link BindingSizes} allows.
     */
    public List<BindingSpec> prepare(List<BindingSpec> uploaded, List<BindingSpec> previous, List<String> keepTypes,
            BindingScope scope) {
        BindingSizes.checkCount(uploaded.size());
        Set<String> names = new HashSet<>();
        List<BindingSpec> out = new ArrayList<>();
        for (BindingSpec b : uploaded) {
            if (b.name() == null || !IDENTIFIER.matcher(b.name()).matches()) {
                throw invalid("Binding name '" + b.name() + "' is not a valid JavaScript identifier.");
            }
            if (!names.add(b.name())) {
                throw invalid("Binding name '" + b.name() + "' is used twice.");
            }
            if ("inherit".equals(b.type())) {
                out.add(previous.stream().filter(p -> p.name().equals(b.name())).findFirst()
                        .orElseThrow(() -> invalid("Binding '" + b.name()
                                + "' of type inherit names no binding of the current version.")));
                continue;
            }
            BindingKind kind = kinds.get(b.type());
            if (kind == null) {
                throw invalid("Binding type '" + b.type() + "' (binding '" + b.name() + "') is not supported by tenantd; "
                        + "supported types: " + String.join(", ", kinds.keySet().stream().sorted().toList()) + ".");
            }
            ObjectNode fields = kind.prepare(b.name(), b.fields().deepCopy(), scope);
            out.add(new BindingSpec(b.type(), b.name(), fields));
        }
        for (BindingSpec old : previous) {
            boolean keep = keepTypes.contains(ScriptUpload.KEEP_ALL) || keepTypes.contains(old.type());
            if (keep && names.add(old.name())) {
                out.add(old);
            }
        }
        BindingSizes.check(out);
        return out;
    }

    /** What the worker sees for each stored binding, channels numbered by position, then the unnamed channels. */
    public List<Binding> toRuntime(List<BindingSpec> stored, BindingScope scope) {
        List<Binding> out = new ArrayList<>(stored.size() + unnamed.size());
        for (int i = 0; i < stored.size(); i++) {
            BindingSpec b = stored.get(i);
            out.add(stored(b).toRuntime(b, i, scope));
        }
        for (int i = 0; i < unnamed.size(); i++) {
            BindingKind kind = unnamed.get(i);
            out.add(kind.toRuntime(unnamedSpec(kind), stored.size() + i, scope));
        }
        return out;
    }

    private static BindingSpec unnamedSpec(BindingKind kind) {
        return new BindingSpec(kind.type(), "", NO_FIELDS.deepCopy());
    }

    private Optional<BindingKind> unnamedChannel(List<BindingSpec> stored, int channel) {
        int at = channel - stored.size();
        return at >= 0 && at < unnamed.size() ? Optional.of(unnamed.get(at)) : Optional.empty();
    }

    /** Serves a call on channel {@code call.channel()} of a version whose bindings are {@code stored}. */
    public CompletableFuture<ChannelReply> call(List<BindingSpec> stored, ChannelCall call, BindingScope scope) {
        Optional<BindingSpec> binding = channel(stored, call.channel());
        Optional<BindingKind> service = unnamedChannel(stored, call.channel());
        if (binding.isEmpty() && service.isEmpty()) {
            return CompletableFuture.failedFuture(noChannel(call));
        }
        try {
            if (service.isPresent()) {
                return service.get().call(unnamedSpec(service.get()), call, scope);
            }
            return stored(binding.get()).call(binding.get(), call, scope);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Answers a call at once, as {@link BindingKind#callNow}. */
    public String callNow(List<BindingSpec> stored, ChannelCall call, BindingScope scope) {
        Optional<BindingKind> service = unnamedChannel(stored, call.channel());
        if (service.isPresent()) {
            return service.get().callNow(unnamedSpec(service.get()), call, scope);
        }
        BindingSpec binding = channel(stored, call.channel()).orElseThrow(() -> noChannel(call));
        return stored(binding).callNow(binding, call, scope);
    }

    private static Optional<BindingSpec> channel(List<BindingSpec> stored, int channel) {
        return channel >= 0 && channel < stored.size() ? Optional.of(stored.get(channel)) : Optional.empty();
    }

    private static InvocationException noChannel(ChannelCall call) {
        return new InvocationException(Outcome.EXCEPTION, "TypeError", "No binding has channel " + call.channel() + ".");
    }

    private BindingKind stored(BindingSpec b) {
        BindingKind kind = kinds.get(b.type());
        if (kind == null) {
            throw new IllegalStateException("a stored binding has a type no kind serves: " + b.type());
        }
        return kind;
    }

    private static PlatformException invalid(String message) {
        return new PlatformException(Problem.INVALID_BINDING, message);
    }

    private static String read(String resource) {
        try (InputStream in = BindingKinds.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("binding script missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A string field the binding must have; its value. */
    public static String requireText(String name, String type, ObjectNode fields, String field) {
        if (!fields.hasNonNull(field) || !fields.get(field).isTextual()) {
            throw invalid("Binding '" + name + "' of type " + type + " needs a string field '" + field + "'.");
        }
        return fields.get(field).asText();
    }
}
