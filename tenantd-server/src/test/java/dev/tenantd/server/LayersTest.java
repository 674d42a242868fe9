package dev.tenantd.server;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Layers point down: runtime → platform → store/api → server, and the API knows nothing of V8. */
class LayersTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tenantd");

    @Test
    void layers_point_downward() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Runtime").definedBy("dev.tenantd.runtime..")
                .layer("Platform").definedBy("dev.tenantd.platform..")
                .layer("Store").definedBy("dev.tenantd.store..")
                .layer("Api").definedBy("dev.tenantd.api..")
                .layer("Dashboard").definedBy("dev.tenantd.dashboard..")
                .layer("Server").definedBy("dev.tenantd.server..")
                .whereLayer("Server").mayNotBeAccessedByAnyLayer()
                .whereLayer("Api").mayOnlyBeAccessedByLayers("Server")
                .whereLayer("Dashboard").mayOnlyBeAccessedByLayers("Server")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Server")
                .whereLayer("Platform").mayOnlyBeAccessedByLayers("Store", "Api", "Server")
                .check(CLASSES);
    }

    @Test
    void only_the_runtime_touches_v8_and_the_runtime_knows_no_http_or_storage() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().resideOutsideOfPackage("dev.tenantd.runtime..")
                .should().dependOnClassesThat().resideInAPackage("com.caoccao.javet..")
                .check(CLASSES);
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().resideInAPackage("dev.tenantd.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.sql..", "dev.tenantd.platform..")
                .check(CLASSES);
    }

    /**
     * The runtime knows values and channels only: every binding type lives in the platform
     * (a kind and its JS wrapper), so adding one never touches the runtime's classes or scripts.
     */
    @Test
    void the_runtime_knows_no_binding_types() throws Exception {
        org.assertj.core.api.Assertions.assertThat(dev.tenantd.runtime.Binding.class.getPermittedSubclasses())
                .extracting(Class::getSimpleName).containsExactlyInAnyOrder("Value", "Channel");
        for (String name : java.util.List.of("Dispatch", "Service", "Assets", "Kv", "D1")) {
            com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                    .that().resideInAPackage("dev.tenantd.runtime..")
                    .should().haveSimpleNameContaining(name)
                    .check(CLASSES);
        }
        java.util.List<String> bindingWords = java.util.List.of("dispatch_namespace", "DispatchNamespace", "kv_namespace",
                "KVNamespace", "D1Database", "secret_text", "plain_text", "'service'", "'assets'");
        String runtimeScripts;
        try (java.io.InputStream list = dev.tenantd.runtime.Binding.class.getResourceAsStream("js/bootstrap.txt")) {
            StringBuilder all = new StringBuilder();
            for (String line : new String(list.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String file = line.strip();
                // A "[name]" line starts a part loaded on demand; its files follow it.
                if (file.isEmpty() || file.startsWith("#") || file.startsWith("[")) {
                    continue;
                }
                try (java.io.InputStream in = dev.tenantd.runtime.Binding.class.getResourceAsStream("js/" + file)) {
                    all.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            runtimeScripts = all.toString();
        }
        org.assertj.core.api.Assertions.assertThat(runtimeScripts).isNotEmpty();
        for (String word : bindingWords) {
            org.assertj.core.api.Assertions.assertThat(runtimeScripts).as("runtime JavaScript mentions %s", word)
                    .doesNotContain(word);
        }
    }
}
