package io.nograd.solver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /algorithms}: generated from the solver factories, so nothing about a solver is written twice. */
@RestController
public class AlgorithmController {

    private final SolverRegistry solvers;

    public AlgorithmController(SolverRegistry solvers) {
        this.solvers = solvers;
    }

    /**
     * One solver as the API lists it.
     *
     * @param objective   what the epoch rows' {@code objective} is for this solver, or null when it reports none
     * @param diagnostics every entry its epoch rows' {@code diagnostics} may carry, with definition and unit
     */
    public record Algorithm(String name, String title, String paper, List<String> activations, List<String> losses,
                            int defaultBatchSize, List<Map<String, Object>> params, Diagnostic objective,
                            List<Diagnostic> diagnostics) {
    }

    @GetMapping("/algorithms")
    public List<Algorithm> algorithms() {
        return solvers.all().stream().map(f -> new Algorithm(f.name(), f.title(), f.paper(), f.activations(), f.losses(),
                f.defaultBatchSize(), f.params().stream().map(AlgorithmController::param).toList(), f.objective(),
                f.diagnostics())).toList();
    }

    private static Map<String, Object> param(ParamSpec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("type", p.type());
        m.put("default", p.defaultValue());
        m.put("min", p.min());
        m.put("max", p.max());
        m.put("description", p.description());
        if (p.choices() != null) m.put("choices", p.choices());
        m.put("noEffectWhen", p.noEffectWhen());
        return m;
    }
}
