package dev.tenantd.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to start a worker: its modules, which one is the entry
 * point, the compatibility date that selects behaviour, and its bindings.
 *
 * @param owner whose script it is (its account and namespace as well as its name): the code
 *              cache is kept per owner, so how fast one tenant's script starts says nothing
 *              about whether another tenant runs the same code
 */
public record WorkerSource(
        String scriptName,
        String mainModule,
        List<WorkerModule> modules,
        String compatibilityDate,
        List<String> compatibilityFlags,
        List<Binding> bindings,
        String owner) {

    /** A source whose owner is its script's name alone. */
    public WorkerSource(String scriptName, String mainModule, List<WorkerModule> modules, String compatibilityDate,
            List<String> compatibilityFlags, List<Binding> bindings) {
        this(scriptName, mainModule, modules, compatibilityDate, compatibilityFlags, bindings, scriptName);
    }

    public WorkerSource {
        Objects.requireNonNull(scriptName, "scriptName");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(mainModule, "mainModule");
        Objects.requireNonNull(compatibilityDate, "compatibilityDate");
        modules = List.copyOf(modules);
        compatibilityFlags = List.copyOf(compatibilityFlags);
        bindings = List.copyOf(bindings);
        if (module(modules, mainModule).isEmpty()) {
            throw new ScriptException("main module '" + mainModule + "' is not among the uploaded modules");
        }
    }

    public WorkerModule main() {
        return module(modules, mainModule).orElseThrow();
    }

    public Optional<WorkerModule> module(String name) {
        return module(modules, name);
    }

    public boolean isServiceWorker() {
        return main().type() == ModuleType.SERVICE_WORKER;
    }

    private static Optional<WorkerModule> module(List<WorkerModule> modules, String name) {
        return modules.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
