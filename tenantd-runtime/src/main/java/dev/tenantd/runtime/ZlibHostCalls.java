package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueBoolean;
import com.caoccao.javet.values.primitive.V8ValueDouble;
import com.caoccao.javet.values.primitive.V8ValueInteger;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The host calls behind compression streams ({@code compression.js}), answered from one
 * isolate's {@link ZlibHandles}. A failure comes back as a string (the message of the
 * TypeError JavaScript throws) and frees the stream, so a broken stream holds no native memory.
 *
 * <ul>
 *   <li>{@code zlibOpen(format, direction, level, strict)} → handle, or an error string; strict is
 *       true ({@link ZlibStream.Strictness#STRICT}), false (lenient) or {@code "node"} (node:zlib's rules)</li>
 *   <li>{@code zlibWrite(handle, ArrayBuffer, flush)} → nothing, or an error string; flush is
 *       zlib's number (0 none, 2 sync, 3 full, 4 finish)</li>
 *   <li>{@code zlibRead(handle)} → an ArrayBuffer of at most {@link ZlibHandles#READ_BYTES}
 *       (empty: write more input), true (no output yet: read again), null once all output was
 *       read, or an error string</li>
 *   <li>{@code zlibClose(handle)}</li>
 * </ul>
 */
final class ZlibHostCalls {
    static final String BAD_FORMAT = "The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.";
    private static final String GONE = "This compression stream can no longer be used: it was closed, failed, "
            + "or belongs to a request that has ended.";

    private final V8Runtime runtime;
    private final ZlibHandles handles;
    private final Supplier<Object> owner;
    private final java.util.function.LongPredicate fits;

    private ZlibHostCalls(V8Runtime runtime, ZlibHandles handles, Supplier<Object> owner,
            java.util.function.LongPredicate fits) {
        this.runtime = runtime;
        this.handles = handles;
        this.owner = owner;
        this.fits = fits;
    }

    /**
     * Adds the compression host calls; {@code owner} names who a stream opened now belongs to,
     * and {@code fits} whether the isolate's memory limit leaves room for that many more bytes
     * (a stream keeps a copy of its input until it has consumed it).
     */
    static void bind(Map<HostCall, IsolateShell.HostFunction> target, V8Runtime runtime, ZlibHandles handles,
            Supplier<Object> owner, java.util.function.LongPredicate fits) {
        ZlibHostCalls calls = new ZlibHostCalls(runtime, handles, owner, fits);
        target.put(HostCall.ZLIB_OPEN, calls::open);
        target.put(HostCall.ZLIB_WRITE, calls::write);
        target.put(HostCall.ZLIB_READ, calls::read);
        target.put(HostCall.ZLIB_CLOSE, calls::close);
    }

    private V8Value open(V8Value[] args) throws JavetException {
        Optional<ZlibStream.Format> format = ZlibStream.Format.named(string(args, 0));
        Optional<ZlibStream.Direction> direction = ZlibStream.Direction.named(string(args, 1));
        if (format.isEmpty() || direction.isEmpty()) {
            return runtime.createV8ValueString(BAD_FORMAT);
        }
        int level = integer(args, 2, ZlibStream.DEFAULT_LEVEL);
        if (level != ZlibStream.DEFAULT_LEVEL && (level < 0 || level > 9)) {
            return runtime.createV8ValueString("The compression level must be between 0 and 9, or -1; got " + level + ".");
        }
        ZlibStream stream = direction.get() == ZlibStream.Direction.COMPRESS
                ? ZlibStream.compressor(format.get(), level)
                : ZlibStream.decompressor(format.get(), strictness(args));
        try {
            return runtime.createV8ValueInteger(handles.open(stream, owner.get()));
        } catch (ZlibStream.DataException e) {
            return runtime.createV8ValueString(e.getMessage());
        }
    }

    private V8Value write(V8Value[] args) throws JavetException {
        int handle = handle(args);
        Optional<ZlibStream> stream = handles.get(handle);
        Optional<ZlibStream.Flush> flush = ZlibStream.Flush.ofZlib(integer(args, 2, -1));
        if (stream.isEmpty()) {
            return runtime.createV8ValueString(GONE);
        }
        if (flush.isEmpty()) {
            handles.close(handle);
            return runtime.createV8ValueString("The flush mode must be one of 0, 2, 3 or 4 (zlib's Z_NO_FLUSH, "
                    + "Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH).");
        }
        long size = args.length > 1 ? JsValues.byteLength(args[1]) : 0;
        if (!fits.test(size)) {
            handles.close(handle);
            return runtime.createV8ValueString("The worker's memory limit has no room for " + size + " more bytes of "
                    + "input to this compression stream; write smaller pieces and read the output as it comes.");
        }
        if (!handles.reserveInput(handle, size)) {
            handles.close(handle);
            return runtime.createV8ValueString(handles.refusal(size));
        }
        byte[] input = args.length > 1 && args[1] instanceof V8ValueArrayBuffer buffer ? buffer.toBytes() : new byte[0];
        try {
            stream.get().write(input, flush.get());
            handles.settle(handle);
            return null;
        } catch (ZlibStream.DataException e) {
            handles.close(handle);
            return runtime.createV8ValueString(e.getMessage());
        }
    }

    private V8Value read(V8Value[] args) throws JavetException {
        int handle = handle(args);
        Optional<ZlibStream> stream = handles.get(handle);
        if (stream.isEmpty()) {
            return runtime.createV8ValueString(GONE);
        }
        byte[] out;
        try {
            out = stream.get().read(ZlibHandles.READ_BYTES);
            handles.settle(handle);
        } catch (ZlibStream.DataException e) {
            handles.close(handle);
            return runtime.createV8ValueString(e.getMessage());
        }
        if (out == ZlibStream.AGAIN) {
            return runtime.createV8ValueBoolean(true);
        }
        if (out.length == 0 && stream.get().ended()) {
            return runtime.createV8ValueNull();
        }
        V8ValueArrayBuffer buffer = runtime.createV8ValueArrayBuffer(out.length);
        if (out.length > 0) {
            buffer.fromBytes(out);
        }
        return buffer;
    }

    private V8Value close(V8Value[] args) {
        handles.close(handle(args));
        return null;
    }

    private static ZlibStream.Strictness strictness(V8Value[] args) {
        if (args.length > 3 && args[3] instanceof V8ValueString s && s.getValue().equals("node")) {
            return ZlibStream.Strictness.NODE;
        }
        boolean strict = args.length > 3 && args[3] instanceof V8ValueBoolean b && b.getValue();
        return strict ? ZlibStream.Strictness.STRICT : ZlibStream.Strictness.LENIENT;
    }

    private static int handle(V8Value[] args) {
        return integer(args, 0, 0);
    }

    /** A whole number argument; anything else (or a fraction) reads as {@code otherwise}. */
    private static int integer(V8Value[] args, int index, int otherwise) {
        if (args.length > index && args[index] instanceof V8ValueInteger i) {
            return i.getValue();
        }
        if (args.length > index && args[index] instanceof V8ValueDouble d) {
            double value = d.getValue();
            return value == (int) value ? (int) value : otherwise;
        }
        return otherwise;
    }

    private static String string(V8Value[] args, int index) {
        return args.length > index && args[index] instanceof V8ValueString s ? s.getValue() : "";
    }
}
