package io.nograd;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package boundaries of DESIGN §2, checked on the compiled main classes: each feature package may
 * depend only on the packages listed for it below, so data flows one way (nn ← data ← solver ← jobs ←
 * live, weights) and {@code system} depends on no feature. A new import across a boundary, or a cycle,
 * fails here with the offending class and line.
 */
class ArchitectureTest {

    /** Package → the packages it may import from (besides itself, the JDK and libraries). */
    static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("system", List.of());
        ALLOWED.put("nn", List.of());
        ALLOWED.put("data", List.of("nn", "system"));
        ALLOWED.put("solver", List.of("nn", "data", "system"));
        ALLOWED.put("jobs", List.of("solver", "data", "nn", "system"));
        ALLOWED.put("live", List.of("jobs", "system"));
        ALLOWED.put("weights", List.of("jobs", "nn", "system"));
        ALLOWED.put("bench", List.of("jobs", "solver", "data", "nn", "system"));
        ALLOWED.put("cluster", List.of("jobs", "system"));
        ALLOWED.put("metrics", List.of("jobs", "live", "system"));
        ALLOWED.put("sweeps", List.of("jobs", "system"));
        ALLOWED.put("reproductions", List.of("sweeps", "system"));
        ALLOWED.put("apidoc", List.of("jobs"));
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.nograd");
    }

    @Test
    void everyPackageIsListed() {
        Set<String> found = new TreeSet<>();
        classes.forEach(c -> {
            String rest = c.getPackageName().substring("io.nograd".length());
            if (!rest.isEmpty()) found.add(rest.substring(1).split("\\.")[0]);
        });
        Set<String> missing = new TreeSet<>(found);
        missing.removeAll(ALLOWED.keySet());
        if (!missing.isEmpty()) throw new AssertionError("packages without an entry in ArchitectureTest.ALLOWED: " + missing);
    }

    @Test
    void packagesDependOnlyOnTheirAllowedPackages() {
        for (var e : ALLOWED.entrySet()) {
            String[] forbidden = ALLOWED.keySet().stream()
                    .filter(p -> !p.equals(e.getKey()) && !e.getValue().contains(p))
                    .map(p -> "io.nograd." + p + "..").toArray(String[]::new);
            if (forbidden.length == 0) continue;
            noClasses().that().resideInAPackage("io.nograd." + e.getKey() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .because(e.getKey() + " may depend only on " + e.getValue())
                    .check(classes);
        }
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("io.nograd.(*)..").should().beFreeOfCycles().check(classes);
    }

    /** One solver package never reaches into another: shared numerics belong in nn or solver itself. */
    @Test
    void solversAreIndependent() {
        slices().matching("io.nograd.solver.(*)..").should().notDependOnEachOther().check(classes);
    }

    /** The solver SPI knows no solver: factories are found on the class path (SolverRegistry), not listed. */
    @Test
    void solverSpiKnowsNoSolver() {
        noClasses().that().resideInAPackage("io.nograd.solver")
                .should().dependOnClassesThat().resideInAPackage("io.nograd.solver.*..").check(classes);
    }
}
