package dev.tenantd.runtime;

import java.util.Objects;

/**
 * What a worker finds on {@code env} (or as globals in service-worker syntax).
 * Values are copied in; capabilities are thin JS clients over host calls that
 * the {@link WorkerHost} answers.
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
     * @param config JSON handed to the wrapper as it makes the object ({@code "{}"} when it needs none)
     */
    record Channel(String name, String kind, int channel, String config) implements Binding {
        public Channel {
            Objects.requireNonNull(name);
            Objects.requireNonNull(kind);
            Objects.requireNonNull(config);
        }
    }

    /** A string: {@code plain_text} and {@code secret_text}. */
    record Text(String name, String text) implements Binding {
        public Text {
            Objects.requireNonNull(name);
            Objects.requireNonNull(text);
        }
    }

    /** A JSON value, given as its serialized text. */
    record Json(String name, String json) implements Binding {
        public Json {
            Objects.requireNonNull(name);
            Objects.requireNonNull(json);
        }
    }

    /** A dispatch namespace: {@code env.NAME.get(script, args, options)}. */
    record DispatchNamespace(String name) implements Binding {
        public DispatchNamespace {
            Objects.requireNonNull(name);
        }
    }

    /** Another worker reached with {@code env.NAME.fetch(request)}. */
    record Service(String name) implements Binding {
        public Service {
            Objects.requireNonNull(name);
        }
    }
}
