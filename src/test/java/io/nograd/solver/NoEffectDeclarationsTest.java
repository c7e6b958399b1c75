package io.nograd.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.nograd.TestData;
import io.nograd.jobs.JobSpec;
import io.nograd.nn.Network;

/**
 * Every {@link Param#noEffectWhen} declaration is checked by training: in each declared situation, two jobs that
 * differ only in that parameter end with bit-identical weights. A declaration that is wrong fails here.
 */
class NoEffectDeclarationsTest {

    static Stream<Arguments> declarations() {
        List<Arguments> out = new ArrayList<>();
        for (SolverFactory f : SolverRegistry.builtIn().all()) {
            for (ParamSpec p : f.params()) {
                for (Map<String, List<Object>> situation : p.noEffectWhen()) out.add(Arguments.of(f.name(), p.name(), situation));
            }
        }
        return out.stream();
    }

    @Test
    void theSolversWithModesDeclareWhereParametersDoNothing() {
        assertTrue(declarations().count() >= 10, "declarations found: " + declarations().count());
        ParamSpec alpha = SolverRegistry.builtIn().find("ipdlam").orElseThrow().params().stream()
                .filter(p -> p.name().equals("alpha")).findFirst().orElseThrow();
        assertTrue(alpha.description().contains("No effect when preset is plain-am or dlam-bcd; or when mode is minibatch and iterations is 1."),
                alpha.description());
        assertTrue(alpha.noEffect(Map.of("preset", "ipdlam", "mode", "minibatch", "iterations", 1), "mse"));
        assertFalse(alpha.noEffect(Map.of("preset", "ipdlam", "mode", "minibatch", "iterations", 2), "mse"));
        assertFalse(alpha.noEffect(Map.of("preset", "ipdlam", "mode", "full-batch", "iterations", 1), "mse"));
    }

    /** A declaration naming no parameter, or a value the parameter cannot take, fails when the specs are derived. */
    @Test
    void aBadDeclarationIsRefused() {
        assertThrows(IllegalStateException.class, () -> ParamSpec.of(UnknownName.class));
        assertThrows(IllegalStateException.class, () -> ParamSpec.of(UnknownChoice.class));
    }

    record UnknownName(
            @Param(defaultValue = "1", noEffectWhen = "nothing = 1", description = "x") double x) {
    }

    enum Kind { A, B }

    record UnknownChoice(
            @Param(defaultValue = "a", description = "kind") Kind kind,
            @Param(defaultValue = "1", noEffectWhen = "kind = c", description = "x") double x) {
    }

    @ParameterizedTest(name = "{0}.{1} when {2}")
    @MethodSource("declarations")
    void changingItInThatSituationChangesNothing(String algorithm, String name, Map<String, List<Object>> situation) {
        SolverFactory f = SolverRegistry.builtIn().find(algorithm).orElseThrow();
        ParamSpec spec = f.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        String loss = f.losses().contains("cross-entropy") ? "cross-entropy" : f.losses().get(0);
        Map<String, Object> params = new LinkedHashMap<>();
        for (var clause : situation.entrySet()) {
            if (clause.getKey().equals(ParamSpec.LOSS)) loss = (String) clause.getValue().get(0);
            else params.put(clause.getKey(), clause.getValue().get(0));
        }
        Map<String, Object> changed = new LinkedHashMap<>(params);
        changed.put(name, otherValue(spec));
        Network a = train(f, loss, params);
        Network b = train(f, loss, changed);
        for (int l = 0; l < a.depth(); l++) {
            assertArrayEquals(a.weight(l).data, b.weight(l).data, 0.0, name + " = " + changed.get(name) + " changed W_" + l);
            assertArrayEquals(a.bias(l).data, b.bias(l).data, 0.0, name + " = " + changed.get(name) + " changed b_" + l);
        }
    }

    private static Network train(SolverFactory f, String loss, Map<String, Object> params) {
        String activation = f.activations().contains("relu") ? "relu" : f.activations().get(0);
        Network net = TestData.train(new JobSpec("no effect " + f.name(), f.name(), "blobs", "classification",
                List.of(20, 16, 4), activation, null, loss, 2, 100, 400, 5L, params, null)).net();
        assertTrue(net.isFinite(), f.name() + " " + params);
        return net;
    }

    /** A valid value other than the default. */
    private static Object otherValue(ParamSpec spec) {
        return switch (spec.type()) {
            case "boolean" -> !(Boolean) spec.defaultValue();
            case "choice" -> spec.choices().stream().filter(c -> !c.equals(spec.defaultValue())).findFirst().orElseThrow();
            case "integer" -> {
                int d = (Integer) spec.defaultValue();
                yield spec.max() == null || d + 1 <= spec.max() ? d + 1 : d - 1;
            }
            case "number" -> {
                double d = (Double) spec.defaultValue();
                double lo = spec.min() == null ? d - 1 : spec.min();
                double hi = spec.max() == null ? d + 1 : spec.max();
                yield d + 0.5 * ((hi - d > d - lo ? hi : lo) - d);
            }
            default -> throw new IllegalArgumentException(spec.name() + ": no other value for a " + spec.type());
        };
    }
}
