package io.nograd.solver;

import java.util.List;
import java.util.Optional;

import io.nograd.solver.sgd.SgdFactory;
import io.nograd.solver.sgd.AdamFactory;
import io.nograd.solver.dlam.DlamFactory;

/** Every algorithm the server offers, in the order {@code GET /algorithms} lists them. */
public final class SolverRegistry {

    private final List<SolverFactory> factories;

    public SolverRegistry(List<SolverFactory> factories) {
        this.factories = List.copyOf(factories);
    }

    /** The built-in solvers. */
    public static SolverRegistry builtIn() {
        return new SolverRegistry(List.of(
                new SgdFactory(),
                new AdamFactory(false),
                new AdamFactory(true),
                new DlamFactory()));
    }

    public List<SolverFactory> all() {
        return factories;
    }

    public Optional<SolverFactory> find(String name) {
        return factories.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public List<String> names() {
        return factories.stream().map(SolverFactory::name).toList();
    }
}
