package io.nograd.solver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one hyperparameter on a component of a solver's params record: the component's name is the
 * parameter's name, its Java type its kind, and this annotation carries the rest. {@link ParamSpec#of},
 * validation, {@code GET /algorithms}, the dashboard's form and the stored spec are all derived from it.
 * <p>
 * Kinds by component type: {@code double} → number, {@code int} → integer, {@code boolean} → boolean, an
 * enum → choice (each constant's id is its name in lower case with {@code _} as {@code -}, e.g.
 * {@code INVERSE_EPOCH} → {@code inverse-epoch}), {@code double[]} → numbers (one value, or one per layer).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {

    /**
     * The default as text: a number, {@code true}/{@code false}, a choice's id, or a comma-separated list for
     * numbers; empty for numbers only, meaning "derived by the solver, as the description says".
     */
    String defaultValue();

    /** Inclusive lower bound of a numeric kind; none when infinite. */
    double min() default Double.NEGATIVE_INFINITY;

    /** Inclusive upper bound of a numeric kind; none when infinite. */
    double max() default Double.POSITIVE_INFINITY;

    /** What the parameter means, in the paper's terms (no measurements: those go in bench/results). */
    String description();

    /**
     * The settings under which this parameter has no effect, one situation per entry; a situation is clauses
     * joined by {@code &}, each {@code name = value} or {@code name = v1 | v2}, naming another parameter of the
     * same record (or {@code loss}, the job's loss), e.g. {@code {"preset = dlam-bcd", "mode = minibatch & iterations = 1"}}.
     * Such a value is still accepted; {@link ParamSpec} appends the sentence saying so to the description and
     * serves the situations, so {@code GET /algorithms} and the dashboard's form can tell.
     */
    String[] noEffectWhen() default {};
}
