package io.nograd.solver;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nograd.system.FieldError;
import io.nograd.system.ValidationException;

/**
 * A solver's hyperparameters after validation against its {@link ParamSpec}s: every spec'd name present
 * (a default filled in where the request left it out), every value of the right type and in range. A
 * solver reads them as its params record through {@link #as}, never by name.
 */
public final class Params {

    private final Map<String, Object> values;

    private Params(Map<String, Object> values) {
        this.values = values;
    }

    /** Validates {@code raw} (JSON-decoded) against {@code specs}; errors name {@code params.<name>}. */
    public static Params validate(List<ParamSpec> specs, Map<String, ?> raw) {
        Map<String, ?> given = raw == null ? Map.of() : raw;
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : given.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(key))) {
                errors.add(new FieldError("params." + key, "unknown parameter; this solver takes "
                        + specs.stream().map(ParamSpec::name).toList()));
            }
        }
        for (ParamSpec spec : specs) {
            Object v = given.get(spec.name());
            if (v == null) {
                values.put(spec.name(), spec.defaultValue());
                continue;
            }
            try {
                values.put(spec.name(), coerce(spec, v));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("params." + spec.name(), e.getMessage()));
            }
        }
        if (!errors.isEmpty()) throw new ValidationException(errors);
        return new Params(values);
    }

    /** The defaults of every spec. */
    public static Params defaults(List<ParamSpec> specs) {
        return validate(specs, Map.of());
    }

    private static Object coerce(ParamSpec spec, Object v) {
        switch (spec.type()) {
            case "number" -> {
                return inRange(spec, number(v));
            }
            case "integer" -> {
                double d = number(v);
                if (d != Math.rint(d)) throw new IllegalArgumentException("must be a whole number, got " + v);
                return (int) inRange(spec, d);
            }
            case "boolean" -> {
                if (v instanceof Boolean b) return b;
                throw new IllegalArgumentException("must be true or false, got " + v);
            }
            case "choice" -> {
                if (v instanceof String s && spec.choices().contains(s)) return s;
                throw new IllegalArgumentException("must be one of " + spec.choices() + ", got " + v);
            }
            case "numbers" -> {
                if (v instanceof List<?> list) {
                    if (list.isEmpty()) throw new IllegalArgumentException("must be a number or a non-empty list of numbers");
                    double[] out = new double[list.size()];
                    for (int i = 0; i < out.length; i++) out[i] = inRange(spec, number(list.get(i)));
                    return out;
                }
                return new double[] {inRange(spec, number(v))};
            }
            default -> throw new IllegalStateException("unknown param type " + spec.type());
        }
    }

    private static double number(Object v) {
        if (v instanceof Number n && !(v instanceof Double d && !Double.isFinite(d))) return n.doubleValue();
        throw new IllegalArgumentException("must be a finite number, got " + (v instanceof String ? "\"" + v + "\"" : v));
    }

    private static double inRange(ParamSpec spec, double d) {
        if ((spec.min() != null && d < spec.min()) || (spec.max() != null && d > spec.max())) {
            throw new IllegalArgumentException("must be in [" + fmt(spec.min()) + ", " + fmt(spec.max()) + "], got " + fmt(d));
        }
        return d;
    }

    private static String fmt(Double d) {
        return d == null ? "" : (d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : String.valueOf(d));
    }

    /**
     * The values as the solver's params record {@code type}, whose components declare them ({@link Param}):
     * choices become the enum's constants, numbers stay {@code double[]} (null when derived by the solver).
     */
    public <R extends Record> R as(Class<R> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Object v = get(c.getName());
            if (c.getType().isEnum()) {
                args[i] = choice(c.getType(), (String) v);
            } else if (v instanceof double[] a) {
                args[i] = a.clone();
            } else {
                args[i] = v;
            }
        }
        try {
            Constructor<R> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName() + " from " + values, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object choice(Class<?> type, String id) {
        return ParamSpec.choice((Class) type, id);
    }

    /** The defaults of {@code type}'s declarations, as that record. */
    public static <R extends Record> R defaults(Class<R> type) {
        return defaults(ParamSpec.of(type)).as(type);
    }

    /**
     * A per-layer list for {@code layers} layers: a single value repeats; a list must have one entry per
     * layer (else a 400 naming {@code params.<name>}); null (derived by the solver) stays null.
     */
    public static double[] perLayer(String name, double[] v, int layers) {
        if (v == null) return null;
        if (v.length == 1) {
            double[] out = new double[layers];
            java.util.Arrays.fill(out, v[0]);
            return out;
        }
        if (v.length != layers) {
            throw new ValidationException("params." + name, "has " + v.length + " values for " + layers + " layers; give one value or one per layer");
        }
        return v.clone();
    }

    private Object get(String name) {
        if (!values.containsKey(name)) throw new IllegalArgumentException("no parameter " + name);
        return values.get(name);
    }

    /** The values as JSON-friendly objects, in spec order (for logs and the stored spec). */
    public Map<String, Object> asMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof double[] d ? java.util.Arrays.stream(d).boxed().toList() : v));
        return java.util.Collections.unmodifiableMap(out);
    }
}
