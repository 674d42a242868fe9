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
                .layer("Server").definedBy("dev.tenantd.server..")
                .whereLayer("Server").mayNotBeAccessedByAnyLayer()
                .whereLayer("Api").mayOnlyBeAccessedByLayers("Server")
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
}
