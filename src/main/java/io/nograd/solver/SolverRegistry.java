package io.nograd.solver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

/**
 * Every algorithm the server offers. A solver is registered by writing its {@link SolverFactory} (a public
 * class with a no-argument constructor) anywhere under {@code io.nograd.solver}: {@link #builtIn} finds it
 * on the class path, with no list to edit, in the server and in the bench alike (which runs without a
 * Spring context). Listed gradient-free solvers first, then the back-propagation baselines, each by name.
 */
public final class SolverRegistry {

    private final List<SolverFactory> factories;

    public SolverRegistry(List<SolverFactory> factories) {
        List<SolverFactory> sorted = new ArrayList<>(factories);
        sorted.sort(Comparator.comparing(SolverFactory::baseline).thenComparing(SolverFactory::name));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new IllegalStateException("two solvers are called '" + sorted.get(i).name() + "'");
            }
        }
        this.factories = List.copyOf(sorted);
    }

    /** The solver factories found under {@code io.nograd.solver}. */
    public static SolverRegistry builtIn() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(SolverFactory.class));
        List<SolverFactory> found = new ArrayList<>();
        for (BeanDefinition d : scanner.findCandidateComponents(SolverRegistry.class.getPackageName())) {
            try {
                Class<?> type = Class.forName(d.getBeanClassName(), true, SolverRegistry.class.getClassLoader());
                found.add((SolverFactory) type.getConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("solver factory " + d.getBeanClassName() + " needs a public no-argument constructor", e);
            }
        }
        if (found.isEmpty()) throw new IllegalStateException("no solver factory found under " + SolverRegistry.class.getPackageName());
        return new SolverRegistry(found);
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
