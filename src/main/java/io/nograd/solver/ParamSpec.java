package io.nograd.solver;

import java.util.List;

/**
 * One hyperparameter of a solver: the single source of its name, type, default, range and description,
 * from which validation, {@code GET /algorithms} and the dashboard's form are all derived.
 *
 * @param type    {@code number}, {@code integer}, {@code boolean}, {@code choice} (one of {@code choices}) or
 *                {@code numbers} (a per-layer list; a single number means the same value for every layer)
 * @param min     inclusive lower bound for numeric types, or null
 * @param max     inclusive upper bound for numeric types, or null
 */
public record ParamSpec(String name, String type, Object defaultValue, Double min, Double max,
                        String description, List<String> choices) {

    public static ParamSpec number(String name, double defaultValue, double min, double max, String description) {
        return new ParamSpec(name, "number", defaultValue, min, max, description, null);
    }

    public static ParamSpec integer(String name, int defaultValue, int min, int max, String description) {
        return new ParamSpec(name, "integer", defaultValue, (double) min, (double) max, description, null);
    }

    public static ParamSpec bool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, "boolean", defaultValue, null, null, description, null);
    }

    public static ParamSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new ParamSpec(name, "choice", defaultValue, null, null, description, List.copyOf(choices));
    }

    /** A per-layer list; {@code defaultValue} null means "derived per layer, as the description says". */
    public static ParamSpec numbers(String name, double[] defaultValue, double min, double max, String description) {
        return new ParamSpec(name, "numbers", defaultValue, min, max, description, null);
    }
}
