package dev.tenantd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantd.platform.BindingSpec;
import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Names;
import dev.tenantd.platform.ScriptLimits;
import dev.tenantd.platform.ScriptUpload;
import dev.tenantd.platform.TailConsumers;
import dev.tenantd.platform.observability.ScriptObservability;
import dev.tenantd.platform.sourcemap.SourceMap;
import dev.tenantd.platform.sourcemap.SourceMapLinks;
import dev.tenantd.runtime.ModuleType;
import dev.tenantd.runtime.WorkerModule;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a script upload request into a {@link ScriptUpload}: a raw
 * {@code application/javascript} service-worker body, or multipart/form-data
 * with a {@code metadata} JSON part and one part per module, named by part name or file name
 * (see {@link #modulesByName}).
 */
final class UploadParser {
    /** Scripts uploaded without a compatibility date get the oldest behaviour, as on Cloudflare. */
    static final String DATE_WHEN_ABSENT = "2021-11-03";
    static final String RAW_SCRIPT_NAME = "worker.js";

    private UploadParser() {
    }

    /** An upload and its {@code annotations["workers/message"]}, if any. */
    record Parsed(ScriptUpload upload, String message) {
    }

    static ScriptUpload parse(RoutingContext ctx) {
        return parseWithAnnotations(ctx).upload();
    }

    /**
     * A new version of the code alone ({@code PUT .../content}): bindings, compatibility
     * and limits stay as in {@code base} unless the metadata names them. The entry
     * module may also be named by the {@code CF-WORKER-MAIN-MODULE-PART} or
     * {@code CF-WORKER-BODY-PART} header.
     */
    static ScriptUpload parseContent(RoutingContext ctx, dev.tenantd.platform.ScriptVersion base) {
        ScriptUpload u = parseWithAnnotations(ctx, base).upload();
        return u.withKeptBindings(List.of(ScriptUpload.KEEP_ALL)).keepingTailConsumers();
    }

    static Parsed parseWithAnnotations(RoutingContext ctx) {
        return parseWithAnnotations(ctx, null);
    }

    private static Parsed parseWithAnnotations(RoutingContext ctx, dev.tenantd.platform.ScriptVersion base) {
        String contentType = ctx.request().getHeader("content-type");
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/javascript") || type.startsWith("text/javascript")) {
            byte[] script = RequestBody.of(ctx).bytes();
            if (script.length == 0) {
                throw new ApiError(400, 10021, "The request body is empty: send the script as the body.");
            }
            return new Parsed(new ScriptUpload(RAW_SCRIPT_NAME,
                    List.of(new WorkerModule(RAW_SCRIPT_NAME, ModuleType.SERVICE_WORKER, script)),
                    base != null ? base.compatibilityDate() : DATE_WHEN_ABSENT,
                    base != null ? base.compatibilityFlags() : List.of(), List.of(),
                    base != null ? base.limits() : ScriptLimits.NONE, base != null ? base.egress() : EgressPolicy.OPEN,
                    List.of()), null);
        }
        if (!type.startsWith("multipart/form-data")) {
            throw new ApiError(400, 10014, "Unsupported Content-Type '" + contentType
                    + "': upload multipart/form-data with a metadata part, or a raw application/javascript script.");
        }
        RequestBody body = RequestBody.of(ctx);
        if (body.fieldNames().stream().anyMatch(n -> n.startsWith("metadata["))) {
            throw new ApiError(400, 10014, "Bracket-flattened form fields (metadata[...]) are not a valid upload: "
                    + "send 'metadata' as one JSON part (cloudflare SDK 6.x or wrangler do).");
        }
        body.requireAtMostOnce("metadata");
        List<RequestBody.Part> files = new ArrayList<>();
        String metadataText = body.field("metadata").orElse(null);
        for (RequestBody.Part upload : body.files()) {
            if (upload.name().equals("metadata")) {
                metadataText = new String(upload.content(), StandardCharsets.UTF_8);
                continue;
            }
            files.add(upload);
        }
        if (metadataText == null && base != null) {
            metadataText = "{}";
        }
        if (metadataText == null) {
            throw new ApiError(400, 10014, "The multipart upload has no 'metadata' part: add a JSON part named "
                    + "metadata with main_module (ES modules) or body_part (service worker).");
        }
        JsonNode metadata;
        try {
            metadata = Envelope.JSON.readTree(metadataText);
        } catch (Exception e) {
            throw new ApiError(400, 10014, "The metadata part is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (metadata == null || !metadata.isObject()) {
            throw new ApiError(400, 10014, "The metadata part must be a JSON object.");
        }
        ScriptObservability.problem(metadata.get("observability")).ifPresent(problem -> {
            throw ApiError.invalidObservability(problem);
        });
        String main = text(metadata, "main_module");
        String bodyPart = text(metadata, "body_part");
        if (main == null && bodyPart == null && base != null) {
            main = ctx.request().getHeader("cf-worker-main-module-part");
            bodyPart = ctx.request().getHeader("cf-worker-body-part");
            if (main == null && bodyPart == null) {
                main = base.serviceWorker() ? null : base.mainModule();
                bodyPart = base.serviceWorker() ? base.mainModule() : null;
            }
        }
        if (main == null && bodyPart == null) {
            throw new ApiError(400, 10014, "metadata needs main_module (ES modules) or body_part (service worker).");
        }
        String entry = relative(main != null ? main : bodyPart);
        Map<String, RequestBody.Part> parts = modulesByName(files, entry, main != null ? "main_module" : "body_part");
        List<WorkerModule> modules = new ArrayList<>();
        Map<String, byte[]> sourceMaps = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            if (isSourceMap(e.getValue())) {
                SourceMap.check(e.getValue().content()).ifPresent(problem -> {
                    throw ApiError.invalidSourceMap(e.getKey(), problem);
                });
                sourceMaps.put(e.getKey(), e.getValue().content());
                continue;
            }
            ModuleType moduleType = moduleType(e.getKey(), e.getValue().contentType(), main != null, e.getKey().equals(entry));
            modules.add(new WorkerModule(e.getKey(), moduleType, e.getValue().content()));
        }
        String date = text(metadata, "compatibility_date");
        if (date == null) {
            date = base != null ? base.compatibilityDate() : DATE_WHEN_ABSENT;
        }
        List<String> flags = base != null && !metadata.has("compatibility_flags")
                ? base.compatibilityFlags() : strings(metadata, "compatibility_flags");
        ScriptLimits scriptLimits = base != null && !metadata.has("limits") ? base.limits() : limits(metadata);
        EgressPolicy egressPolicy = base != null && !metadata.has("egress") ? base.egress() : egress(metadata);
        JsonNode message = metadata.path("annotations").path("workers/message");
        ScriptUpload upload = new ScriptUpload(entry, modules, date, flags, bindings(metadata), scriptLimits, egressPolicy,
                strings(metadata, "tags"), strings(metadata, "keep_bindings"), metadata.has("tags") && !metadata.get("tags").isNull(),
                metadata.get("assets"), metadata.path("keep_assets").asBoolean(false),
                // A deploy whose wrangler.toml no longer names tail consumers sends none: that removes them.
                Optional.of(TailConsumers.parse(metadata.get(TailConsumers.FIELD))))
                .withSourceMaps(SourceMapLinks.link(modules, sourceMaps));
        if (metadata.hasNonNull("observability")) {
            upload = upload.withObservability(metadata.get("observability"));
        }
        return new Parsed(upload, message.isTextual() ? message.asText() : null);
    }

    /**
     * The upload's modules by the names they import each other by. Wrangler and the SDK send
     * part name = file name; the public example app names its part {@code script} and the entry
     * by its file name; Cloudflare defines the entry as a part name, and curl's
     * {@code -F 'd.js=@dispatcher.js'} sends a part name that differs from its file name. So
     * the file names are the module names when the entry names a file, and the part names
     * are when it names only a part.
     */
    private static Map<String, RequestBody.Part> modulesByName(List<RequestBody.Part> files, String entry, String field) {
        boolean byPartName = files.stream().noneMatch(f -> relative(fileName(f)).equals(entry));
        Map<String, RequestBody.Part> parts = new LinkedHashMap<>();
        for (RequestBody.Part f : files) {
            String name = Names.module(relative(byPartName ? f.name() : fileName(f)));
            if (parts.putIfAbsent(name, f) != null) {
                throw ApiError.moduleGivenTwice(name);
            }
        }
        if (!parts.containsKey(entry)) {
            List<String> described = files.stream()
                    .map(f -> f.name().equals(fileName(f)) ? "'" + f.name() + "'" : "'" + f.name() + "' (file '" + fileName(f) + "')")
                    .toList();
            throw new ApiError(400, 10014, field + " '" + entry + "' names no part of the upload: give the name or "
                    + "the file name of one of its parts: " + (described.isEmpty() ? "none" : String.join(", ", described)));
        }
        return parts;
    }

    /** wrangler's {@code upload_source_maps} sends each map as a part of this type. */
    private static boolean isSourceMap(RequestBody.Part part) {
        String t = part.contentType() == null ? "" : part.contentType().toLowerCase(Locale.ROOT).split(";")[0].strip();
        return t.equals("application/source-map");
    }

    /**
     * A module name as modules import it: wrangler names the files it adds to a bundle
     * ({@code import text from './greeting.txt'}) by the specifier, {@code ./<hash>-greeting.txt},
     * which the main module, at the top of the upload, reaches as {@code <hash>-greeting.txt}.
     */
    static String relative(String name) {
        String n = name;
        while (n != null && n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    private static String fileName(RequestBody.Part f) {
        return f.fileName() == null || f.fileName().isEmpty() ? f.name() : f.fileName();
    }

    private static ModuleType moduleType(String name, String contentType, boolean modules, boolean isEntry) {
        String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        return switch (t) {
            case "application/javascript+module", "text/javascript+module" -> ModuleType.ES_MODULE;
            case "application/javascript", "text/javascript" -> modules || !isEntry
                    ? (modules ? ModuleType.ES_MODULE : ModuleType.SERVICE_WORKER) : ModuleType.SERVICE_WORKER;
            case "text/plain" -> ModuleType.TEXT;
            case "application/octet-stream" -> ModuleType.DATA;
            case "application/json" -> ModuleType.JSON;
            case "application/wasm" -> ModuleType.WASM;
            default -> {
                if (name.endsWith(".js") || name.endsWith(".mjs")) {
                    yield modules ? ModuleType.ES_MODULE : ModuleType.SERVICE_WORKER;
                }
                throw new ApiError(400, 10021, "Part '" + name + "' has an unknown content type '" + contentType
                        + "': use application/javascript+module, text/plain, application/octet-stream, application/json or application/wasm.");
            }
        };
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(400, 10014, "metadata." + field + " must be a string.");
        }
        return v.asText();
    }

    static List<String> strings(JsonNode node, String field) {
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new ApiError(400, 10014, "metadata." + field + " must be an array of strings.");
        }
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new ApiError(400, 10014, "metadata." + field + " must be an array of strings.");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** tenantd's extension: {@code egress: {allow: [...], block: [...]}} for this script's subrequests. */
    private static EgressPolicy egress(JsonNode metadata) {
        try {
            return EgressPolicy.fromApiJson(metadata.get("egress"), "metadata.egress");
        } catch (dev.tenantd.platform.PlatformException e) {
            throw new ApiError(400, 10014, e.getMessage());
        }
    }

    static ScriptLimits limits(JsonNode metadata) {
        JsonNode v = metadata.get("limits");
        if (v == null || v.isNull()) {
            return ScriptLimits.NONE;
        }
        if (!v.isObject()) {
            throw new ApiError(400, 10014, "metadata.limits must be an object like {\"cpu_ms\": 50, \"subrequests\": 10}.");
        }
        long cpu = 0;
        int sub = -1;
        if (v.has("cpu_ms")) {
            if (!v.get("cpu_ms").canConvertToLong() || v.get("cpu_ms").asLong() < 1) {
                throw new ApiError(400, 10014, "metadata.limits.cpu_ms must be a positive whole number of milliseconds.");
            }
            cpu = v.get("cpu_ms").asLong();
        }
        if (v.has("subrequests")) {
            if (!v.get("subrequests").canConvertToInt() || v.get("subrequests").asInt() < 0) {
                throw new ApiError(400, 10014, "metadata.limits.subrequests must be a whole number, 0 or more.");
            }
            sub = v.get("subrequests").asInt();
        }
        return new ScriptLimits(cpu, sub);
    }

    static List<BindingSpec> bindings(JsonNode metadata) {
        JsonNode v = metadata.get("bindings");
        List<BindingSpec> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new ApiError(400, 10014, "metadata.bindings must be an array.");
        }
        for (JsonNode b : v) {
            if (!b.isObject() || !b.path("type").isTextual() || !b.path("name").isTextual()) {
                throw new ApiError(400, 10014, "every binding needs a string 'type' and 'name': " + b);
            }
            ObjectNode fields = ((ObjectNode) b).deepCopy();
            fields.remove("type");
            fields.remove("name");
            out.add(new BindingSpec(b.get("type").asText(), b.get("name").asText(), fields));
        }
        return out;
    }
}
