package io.nograd.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.nograd.TestData;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.solver.SolverRegistry;
import io.nograd.system.ValidationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every reproduction preset's sweep, at both scales, is a valid sweep on the installed datasets with this
 * machine's validator (cells, memory and work bounds included): a preset that the server would refuse at
 * paper scale fails here, without training anything.
 */
class PresetPlansTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Path> presets() throws IOException {
        return Files.list(Path.of("src/main/resources/reproductions")).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void bothScalesPlan(Path file) throws IOException {
        JsonNode preset = JSON.readTree(file.toFile());
        JobSpecValidator validator = new JobSpecValidator(SolverRegistry.builtIn(), TestData.DATASETS, 2, 8L << 30);
        SweepPlanner planner = new SweepPlanner(validator, JSON, 1, 1000);
        for (String scale : List.of("paper", "quick")) {
            ObjectNode sweep = (ObjectNode) preset.get("scales").get(scale).get("sweep");
            try {
                SweepPlanner.Plan plan = planner.plan(JSON.treeToValue(sweep, SweepRequest.class));
                assertFalse(plan.cells().isEmpty(), file + " " + scale);
                assertEquals(1, plan.maxConcurrent(), file + " " + scale + ": presets run one cell at a time");
            } catch (ValidationException e) {
                throw new AssertionError(file.getFileName() + " at scale " + scale + " is refused: " + e.errors(), e);
            }
        }
    }
}
