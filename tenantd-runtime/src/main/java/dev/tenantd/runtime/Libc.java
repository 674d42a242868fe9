package dev.tenantd.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * C library functions, reached through the foreign function API. The build targets Java 21,
 * where that API is a preview, hence the reflection: on 21 {@link #load()} fails and callers
 * fall back to what they do without it.
 */
record Libc(Object linker, Object lookup, Object arena, Class<?> layoutClass, Class<?> valueLayout,
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
        Object answer = handle(function, valueLayout.getField(answersPointer ? "ADDRESS" : "JAVA_INT").get(null), layouts)
                .invokeWithArguments(values);
        boolean failed = answersPointer
                ? (long) segmentClass.getMethod("address").invoke(answer) == 0
                : (int) answer == -1;
        if (failed) {
            throw new IllegalStateException(function + " failed");
        }
    }

    /** A handle of type {@code (int, ...) int} on the C function {@code function} taking {@code arity} ints. */
    MethodHandle intFunction(String function, int arity) throws ReflectiveOperationException {
        Object intLayout = valueLayout.getField("JAVA_INT").get(null);
        Object[] layouts = (Object[]) Array.newInstance(layoutClass, arity);
        java.util.Arrays.fill(layouts, intLayout);
        return handle(function, intLayout, layouts);
    }

    /**
     * A handle on the C function {@code function}: {@code result} and {@code args} name
     * {@code ValueLayout} constants ({@code "JAVA_INT"}, {@code "JAVA_LONG"}, ...); {@code null}
     * as the result for a function that answers nothing.
     */
    MethodHandle function(String function, String result, String... args) throws ReflectiveOperationException {
        Object[] layouts = (Object[]) Array.newInstance(layoutClass, args.length);
        for (int i = 0; i < args.length; i++) {
            layouts[i] = valueLayout.getField(args[i]).get(null);
        }
        return handle(function, result == null ? null : valueLayout.getField(result).get(null), layouts);
    }

    private MethodHandle handle(String function, Object result, Object[] layouts) throws ReflectiveOperationException {
        Object descriptor = result == null
                ? descriptorClass.getMethod("ofVoid", layouts.getClass()).invoke(null, (Object) layouts)
                : descriptorClass.getMethod("of", layoutClass, layouts.getClass()).invoke(null, result, layouts);
        Optional<?> symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
                .getMethod("find", String.class).invoke(lookup, function);
        Object address = symbol.orElseThrow(() -> new IllegalStateException("no C function " + function));
        Object options = Array.newInstance(optionClass, 0);
        return (MethodHandle) Class.forName("java.lang.foreign.Linker")
                .getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass())
                .invoke(linker, address, descriptor, options);
    }
}
