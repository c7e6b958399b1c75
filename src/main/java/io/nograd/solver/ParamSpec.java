package io.nograd.solver;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One hyperparameter of a solver as the API describes it, derived from a {@link Param}-annotated record
 * component by {@link #of}: validation, {@code GET /algorithms} and the dashboard's form all read this.
 *
 * @param type    {@code number}, {@code integer}, {@code boolean}, {@code choice} (one of {@code choices}) or
 *                {@code numbers} (a per-layer list; a single number means the same value for every layer)
 * @param min     inclusive lower bound for numeric types, or null
 * @param max     inclusive upper bound for numeric types, or null
 */
public record ParamSpec(String name, String type, Object defaultValue, Double min, Double max,
                        String description, List<String> choices) {

    private static final ClassValue<List<ParamSpec>> CACHE = new ClassValue<>() {
        @Override
        protected List<ParamSpec> computeValue(Class<?> type) {
            return derive(type);
        }
    };

    /**
     * The specs of every component of {@code type}, in declaration order.
     *
     * @throws IllegalStateException when a component lacks {@link Param}, has an unsupported type, or its
     *                               default does not parse or lies outside its range
     */
    public static List<ParamSpec> of(Class<? extends Record> type) {
        return CACHE.get(type);
    }

    /** The API id of a choice constant: {@code INVERSE_EPOCH} → {@code inverse-epoch}. */
    public static String id(Enum<?> choice) {
        return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code type} whose id is {@code id}, or null. */
    static <E extends Enum<E>> E choice(Class<E> type, String id) {
        for (E e : type.getEnumConstants()) if (id(e).equals(id)) return e;
        return null;
    }

    private static List<ParamSpec> derive(Class<?> type) {
        if (!type.isRecord()) throw new IllegalStateException(type.getName() + " is not a record");
        List<ParamSpec> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Param p = c.getAnnotation(Param.class);
            String where = type.getSimpleName() + "." + c.getName();
            if (p == null) throw new IllegalStateException(where + " has no @Param");
            Double min = Double.isInfinite(p.min()) ? null : p.min();
            Double max = Double.isInfinite(p.max()) ? null : p.max();
            String d = p.defaultValue().trim();
            Class<?> t = c.getType();
            ParamSpec spec;
            try {
                if (t == double.class) {
                    spec = new ParamSpec(c.getName(), "number", Double.parseDouble(d), min, max, p.description(), null);
                } else if (t == int.class) {
                    spec = new ParamSpec(c.getName(), "integer", Integer.parseInt(d), min, max, p.description(), null);
                } else if (t == boolean.class) {
                    if (!d.equals("true") && !d.equals("false")) throw new IllegalArgumentException("not true or false");
                    spec = new ParamSpec(c.getName(), "boolean", Boolean.parseBoolean(d), null, null, p.description(), null);
                } else if (t.isEnum()) {
                    List<String> ids = Arrays.stream((Enum<?>[]) t.getEnumConstants()).map(ParamSpec::id).toList();
                    if (!ids.contains(d)) throw new IllegalArgumentException("not one of " + ids);
                    spec = new ParamSpec(c.getName(), "choice", d, null, null, p.description(), ids);
                } else if (t == double[].class) {
                    double[] values = d.isEmpty() ? null : Arrays.stream(d.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
                    spec = new ParamSpec(c.getName(), "numbers", values, min, max, p.description(), null);
                } else {
                    throw new IllegalArgumentException("unsupported type " + t.getSimpleName());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": bad declaration (default '" + d + "'): " + e.getMessage(), e);
            }
            try {
                Params.validate(List.of(spec), java.util.Collections.singletonMap(spec.name(), spec.jsonDefault()));
            } catch (RuntimeException e) {
                throw new IllegalStateException(where + ": its default does not validate: " + e.getMessage(), e);
            }
            out.add(spec);
        }
        return List.copyOf(out);
    }

    /** The default as JSON would carry it (a list for numbers). */
    private Object jsonDefault() {
        if (defaultValue instanceof double[] a) return Arrays.stream(a).boxed().toList();
        return defaultValue;
    }
}
