package dev.cloudsqlguard.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cloudsqlguard.probe.walk.VertxQueryStage;

/**
 * The layering that ARCHITECTURE.md describes, checked on the compiled main classes: each layer
 * imports only those below it, no package takes part in a cycle, and the core (config, probe,
 * circuit, state) is plain Java, with one named adapter.
 */
@AnalyzeClasses(packages = "dev.cloudsqlguard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "dev.cloudsqlguard";

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("config").definedBy(ROOT + ".config..")
            .layer("probe").definedBy(ROOT + ".probe..")
            .layer("circuit").definedBy(ROOT + ".circuit..")
            .layer("state").definedBy(ROOT + ".state..")
            .layer("loop").definedBy(ROOT + ".loop..")
            .layer("signal").definedBy(ROOT + ".signal..")
            .layer("health").definedBy(ROOT + ".health..")
            .layer("api").definedBy(ROOT + ".api..")
            .layer("cli").definedBy(ROOT + ".cli..")
            .layer("app").definedBy(ROOT)
            .whereLayer("app").mayNotBeAccessedByAnyLayer()
            .whereLayer("cli").mayOnlyBeAccessedByLayers("app")
            .whereLayer("api").mayNotBeAccessedByAnyLayer()
            .whereLayer("health").mayNotBeAccessedByAnyLayer()
            .whereLayer("signal").mayOnlyBeAccessedByLayers("api", "app")
            .whereLayer("loop").mayOnlyBeAccessedByLayers("signal", "health", "api", "cli", "app")
            .whereLayer("state").mayOnlyBeAccessedByLayers("loop", "signal", "health", "api", "cli", "app")
            .whereLayer("circuit").mayOnlyBeAccessedByLayers("state", "loop", "signal", "health", "api", "cli", "app")
            .whereLayer("probe").mayOnlyBeAccessedByLayers("circuit", "state", "loop", "signal", "health", "api",
                    "cli", "app")
            .whereLayer("config").mayOnlyBeAccessedByLayers("probe", "circuit", "state", "loop", "signal", "health",
                    "api", "cli", "app");

    /** Inside the probe layer: the values, then the wire protocol, then the stages and their walker. */
    @ArchTest
    static final ArchRule probeValuesKnowNeitherWireNorWalk = noClasses().that().resideInAPackage(ROOT + ".probe")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".probe.wire..", ROOT + ".probe.walk..");

    @ArchTest
    static final ArchRule wireKnowsNoStage = noClasses().that().resideInAPackage(ROOT + ".probe.wire..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".probe.walk..");

    /** The core is unit-testable without Quarkus: no framework type, except the one client adapter. */
    @ArchTest
    static final ArchRule plainJavaCore = noClasses()
            .that().resideInAnyPackage(ROOT + ".config..", ROOT + ".probe..", ROOT + ".circuit..", ROOT + ".state..")
            .and(not(belongToAnyOf(VertxQueryStage.class)))
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "javax.inject..",
                    "io.vertx..", "io.netty..", "io.smallrye..", "org.eclipse.microprofile..", "io.micrometer..",
                    "org.jboss..")
            .because("the core takes plain values and an injected clock; beans are thin adapters outside it");
}
