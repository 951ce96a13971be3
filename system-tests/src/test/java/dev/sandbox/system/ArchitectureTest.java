package dev.sandbox.system;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * The dependency rules, in the spirit of Kafka's import-control, over every module's main classes
 * (their {@code target/classes}: this module builds last):
 * <ul>
 * <li>common is plumbing: it depends on no service;</li>
 * <li>a service depends on no other service (they talk over HTTP and Kafka, not through code);</li>
 * <li>inside a service, the feature packages ({@code dev.sandbox.orders.payment},
 * {@code dev.sandbox.orders.outbox}...) form no cycle: each can be read, changed and tested with
 * the ones it uses, not with the whole service.</li>
 * </ul>
 */
class ArchitectureTest {

    private static final List<String> SERVICES = List.of("gateway", "orders", "ingestion", "chat", "rag");
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() throws Exception {
        var root = DeploymentTopology.ROOT;
        try (var modules = Files.list(root)) {
            var dirs = modules.map(module -> module.resolve("target/classes")).filter(Files::isDirectory).toList();
            assertThat(dirs).as("built modules under " + root).isNotEmpty();
            classes = new ClassFileImporter().importPaths(dirs.toArray(Path[]::new));
        }
        assertThat(classes.containPackage("dev.sandbox.common")).isTrue();
        assertThat(classes.containPackage("dev.sandbox.orders")).isTrue();
    }

    @Test
    void commonHoldsNoDomainCode() {
        noClasses().that().resideInAPackage("dev.sandbox.common..")
                .should().dependOnClassesThat().resideInAnyPackage(SERVICES.stream().map(s -> "dev.sandbox." + s + "..").toArray(String[]::new))
                .check(classes);
    }

    @Test
    void noServiceReachesIntoAnother() {
        for (var service : SERVICES) {
            var others = SERVICES.stream().filter(other -> !other.equals(service)).map(other -> "dev.sandbox." + other + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.sandbox." + service + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void featurePackagesFormNoCycle() {
        for (var service : SERVICES) {
            slices().matching("dev.sandbox." + service + ".(*)..").should().beFreeOfCycles()
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }
}
