package dev.tenantd.runtime;

import java.util.Objects;

/**
 * What a worker finds on {@code env} (or as globals in service-worker syntax):
 * a value copied in, or a capability, a thin JS object whose calls go to the
 * {@link WorkerHost} over a numbered channel. The runtime knows no binding types;
 * a channel's JS wrapper is registered by the script that defines its kind.
 */
public sealed interface Binding {
    String name();

    /** A value copied into the isolate: {@code json} is its JSON text (a string's is quoted). */
    record Value(String name, String json) implements Binding {
        public Value {
            Objects.requireNonNull(name);
            Objects.requireNonNull(json);
        }
    }

    /**
     * A capability: the worker sees the object that the JS wrapper registered for
     * {@code kind} makes, and each call on it reaches the host as a {@link ChannelCall}
     * carrying {@code channel}.
     *
     * <p>A channel with an empty name is the platform's own service rather than a binding the
     * script named: no env entry holds it, and its wrapper installs what it offers as globals.
     *
     * @param config JSON handed to the wrapper as it makes the object ({@code "{}"} when it needs none)
     */
    record Channel(String name, String kind, int channel, String config) implements Binding {
        public Channel {
            Objects.requireNonNull(name);
            Objects.requireNonNull(kind);
            Objects.requireNonNull(config);
        }
    }

    /**
     * A channel the platform gives a worker without a name on {@code env}: its wrapper, made
     * once as the worker loads, installs what it offers as globals.
     */
    static Channel unnamed(String kind, int channel, String config) {
        return new Channel("", kind, channel, config);
    }

    /** A string value. */
    static Binding text(String name, String text) {
        return new Value(name, Json.quote(text));
    }
}
