package io.nograd.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.nograd.system.Api;
import io.nograd.system.ServerTest;
import tools.jackson.databind.JsonNode;

/** Part of the conformance suite: {@code GET /algorithms} on the running server describes every declared parameter. */
class AlgorithmsEndpointTest extends ServerTest {

    static Stream<SolverFactory> solvers() {
        return SolverRegistry.builtIn().all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("solvers")
    void describesEveryParameter(SolverFactory f) {
        JsonNode entry = null;
        for (JsonNode a : api.getJson("/algorithms")) if (a.get("name").asString().equals(f.name())) entry = a;
        assertNotNull(entry, f.name() + " is not listed by GET /algorithms");
        for (String field : List.of("title", "paper")) assertFalse(entry.get(field).asString().isBlank(), f.name() + " " + field);
        List<String> declared = Arrays.stream(f.paramsType().getRecordComponents()).map(RecordComponent::getName).toList();
        List<String> listed = new ArrayList<>();
        for (JsonNode p : entry.get("params")) listed.add(p.get("name").asString());
        assertEquals(declared, listed, f.name() + ": every record component, in order");
        int i = 0;
        for (JsonNode p : entry.get("params")) {
            ParamSpec spec = f.params().get(i++);
            String where = f.name() + "." + spec.name();
            assertEquals(spec.type(), p.get("type").asString(), where);
            assertFalse(p.get("description").asString().isBlank(), where + " has no description");
            assertEquals(Api.JSON.valueToTree(spec.defaultValue()), p.get("default"), where + " default");
            assertEquals(spec.min() == null, p.get("min").isNull(), where + " min");
            if (spec.min() != null) assertEquals(spec.min(), p.get("min").asDouble(), 0.0, where + " min");
            if (spec.max() != null) assertEquals(spec.max(), p.get("max").asDouble(), 0.0, where + " max");
            assertEquals(Api.JSON.valueToTree(spec.noEffectWhen()), p.get("noEffectWhen"), where + " noEffectWhen");
            if (spec.type().equals("choice")) {
                List<String> choices = new ArrayList<>();
                for (JsonNode c : p.get("choices")) choices.add(c.asString());
                assertEquals(spec.choices(), choices, where + " choices");
            }
        }
    }
}
