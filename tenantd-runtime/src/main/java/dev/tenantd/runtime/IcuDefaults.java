package dev.tenantd.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the default time zone and locale that V8's ICU reads UTC and en-US, as on Workers,
 * whatever the machine's settings: without it a worker's {@code Date} and {@code Intl} would show
 * the host's time zone (and so where it runs) and its language.
 *
 * <p>ICU reads both from the process environment the first time an isolate needs them: the time
 * zone from {@code TZ}, the locale from the {@code LC_MESSAGES} category and then from
 * {@code LC_ALL}, {@code LC_MESSAGES} and {@code LANG}; with {@code TZ=UTC}, the category at "C" and
 * those variables unset, it settles on UTC and en_US_POSIX, which V8 reports as en-US. Java has no
 * API to change its own environment, so this calls the C library through the foreign function
 * API. The build targets Java 21, where that API is a preview, hence the reflection; on 21 this
 * does nothing but log how to start the JVM instead. It also changes what other native code in the
 * process sees (SQLite's 'localtime' is UTC too, as on D1).
 */
final class IcuDefaults {
    private static final Logger LOG = LoggerFactory.getLogger(IcuDefaults.class);

    /** glibc's number for the LC_MESSAGES category (V8 runs on Linux x86_64 only). */
    private static final int LC_MESSAGES = 5;

    private IcuDefaults() {
    }

    /** Sets them; called once, before V8 is loaded. */
    static void apply() {
        try {
            Libc libc = Libc.load();
            libc.call("setenv", "TZ", "UTC", 1);
            for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
                libc.call("unsetenv", name);
            }
            libc.call("setlocale", LC_MESSAGES, "C");
        } catch (Throwable e) {
            LOG.warn("cannot set the time zone and locale isolates see to UTC and en-US ({}); workers see the"
                    + " host's unless the JVM runs on Java 22 or later, or is started with TZ=UTC and LC_ALL=C.UTF-8", e.toString());
        }
    }

    /** The three C functions, reached through java.lang.foreign by reflection. */
    private record Libc(Object linker, Object lookup, Object arena, Class<?> layoutClass, Class<?> valueLayout,
            Class<?> descriptorClass, Class<?> segmentClass, Class<?> optionClass) {
        static Libc load() throws ReflectiveOperationException {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            Object arena = Class.forName("java.lang.foreign.Arena").getMethod("ofAuto").invoke(null);
            return new Libc(linker, lookup, arena, Class.forName("java.lang.foreign.MemoryLayout"),
                    Class.forName("java.lang.foreign.ValueLayout"), Class.forName("java.lang.foreign.FunctionDescriptor"),
                    Class.forName("java.lang.foreign.MemorySegment"), Class.forName("java.lang.foreign.Linker$Option"));
        }

        /** Calls {@code function} with strings (as C strings) and ints; fails if it answers -1 or a null pointer. */
        void call(String function, Object... args) throws Throwable {
            Object[] layouts = (Object[]) Array.newInstance(layoutClass, args.length);
            Object[] values = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof String s) {
                    layouts[i] = valueLayout.getField("ADDRESS").get(null);
                    values[i] = Class.forName("java.lang.foreign.SegmentAllocator")
                            .getMethod("allocateFrom", String.class).invoke(arena, s);
                } else {
                    layouts[i] = valueLayout.getField("JAVA_INT").get(null);
                    values[i] = args[i];
                }
            }
            boolean answersPointer = function.equals("setlocale");
            Object result = valueLayout.getField(answersPointer ? "ADDRESS" : "JAVA_INT").get(null);
            Object descriptor = descriptorClass.getMethod("of", layoutClass, layouts.getClass()).invoke(null, result, layouts);
            Optional<?> symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                    .getMethod("find", String.class).invoke(lookup, function);
            Object address = symbol.orElseThrow(() -> new IllegalStateException("no C function " + function));
            Object options = Array.newInstance(optionClass, 0);
            MethodHandle handle = (MethodHandle) Class.forName("java.lang.foreign.Linker")
                    .getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass())
                    .invoke(linker, address, descriptor, options);
            Object answer = handle.invokeWithArguments(values);
            boolean failed = answersPointer
                    ? (long) segmentClass.getMethod("address").invoke(answer) == 0
                    : (int) answer == -1;
            if (failed) {
                throw new IllegalStateException(function + " failed");
            }
        }
    }
}
