package io.nograd.solver;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.nograd.nn.Loss;

/**
 * One hyperparameter of a solver as the API describes it, derived from a {@link Param}-annotated record
 * component by {@link #of}: validation, {@code GET /algorithms} and the dashboard's form all read this.
 *
 * @param type    {@code number}, {@code integer}, {@code boolean}, {@code choice} (one of {@code choices}) or
 *                {@code numbers} (a per-layer list; a single number means the same value for every layer)
 * @param min     inclusive lower bound for numeric types, or null
 * @param max     inclusive upper bound for numeric types, or null
 * @param description what {@link Param#description} says, followed by the generated sentence naming the settings in
 *                which the parameter has no effect, if any
 * @param noEffectWhen the settings in which the parameter has no effect ({@link Param#noEffectWhen}): each entry one
 *                situation, mapping a parameter's name (or {@code loss}) to the values it must have; it holds when every
 *                entry of the map holds. Empty when the parameter always acts.
 */
public record ParamSpec(String name, String type, Object defaultValue, Double min, Double max,
                        String description, List<String> choices, List<Map<String, List<Object>>> noEffectWhen) {

    /** The key of a {@link Param#noEffectWhen} clause that names the job's loss rather than a parameter. */
    public static final String LOSS = "loss";

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
                    spec = new ParamSpec(c.getName(), "number", Double.parseDouble(d), min, max, p.description(), null, List.of());
                } else if (t == int.class) {
                    spec = new ParamSpec(c.getName(), "integer", Integer.parseInt(d), min, max, p.description(), null, List.of());
                } else if (t == boolean.class) {
                    if (!d.equals("true") && !d.equals("false")) throw new IllegalArgumentException("not true or false");
                    spec = new ParamSpec(c.getName(), "boolean", Boolean.parseBoolean(d), null, null, p.description(), null, List.of());
                } else if (t.isEnum()) {
                    List<String> ids = Arrays.stream((Enum<?>[]) t.getEnumConstants()).map(ParamSpec::id).toList();
                    if (!ids.contains(d)) throw new IllegalArgumentException("not one of " + ids);
                    spec = new ParamSpec(c.getName(), "choice", d, null, null, p.description(), ids, List.of());
                } else if (t == double[].class) {
                    double[] values = d.isEmpty() ? null : Arrays.stream(d.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
                    spec = new ParamSpec(c.getName(), "numbers", values, min, max, p.description(), null, List.of());
                } else {
                    throw new IllegalArgumentException("unsupported type " + t.getSimpleName());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": bad declaration (default '" + d + "'): " + e.getMessage(), e);
            }
            try {
                Params.validate(List.of(spec), Collections.singletonMap(spec.name(), spec.jsonDefault()));
            } catch (RuntimeException e) {
                throw new IllegalStateException(where + ": its default does not validate: " + e.getMessage(), e);
            }
            out.add(spec);
        }
        return withNoEffect(type, out);
    }

    /**
     * Parses each component's {@link Param#noEffectWhen} against the other specs (names and values must exist)
     * and appends the sentence to its description.
     */
    private static List<ParamSpec> withNoEffect(Class<?> type, List<ParamSpec> specs) {
        List<ParamSpec> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            ParamSpec spec = specs.get(out.size());
            String where = type.getSimpleName() + "." + c.getName();
            List<Map<String, List<Object>>> situations = new ArrayList<>();
            for (String situation : c.getAnnotation(Param.class).noEffectWhen()) {
                Map<String, List<Object>> clauses = new LinkedHashMap<>();
                for (String clause : situation.split("&")) {
                    String[] kv = clause.split("=", 2);
                    if (kv.length != 2) throw new IllegalStateException(where + ": noEffectWhen clause '" + clause + "' is not name = value");
                    String key = kv[0].trim();
                    if (key.equals(spec.name())) throw new IllegalStateException(where + ": noEffectWhen names the parameter itself");
                    List<Object> values = new ArrayList<>();
                    for (String v : kv[1].split("\\|")) values.add(clauseValue(where, specs, key, v.trim()));
                    if (clauses.put(key, List.copyOf(values)) != null) throw new IllegalStateException(where + ": '" + key + "' twice in one situation");
                }
                situations.add(Collections.unmodifiableMap(clauses));
            }
            if (situations.isEmpty()) {
                out.add(spec);
                continue;
            }
            String declared = spec.description().endsWith(".") ? spec.description().substring(0, spec.description().length() - 1) : spec.description();
            String description = declared + ". No effect when " + situations.stream().map(ParamSpec::sentence)
                    .collect(Collectors.joining("; or when ")) + ".";
            out.add(new ParamSpec(spec.name(), spec.type(), spec.defaultValue(), spec.min(), spec.max(), description,
                    spec.choices(), List.copyOf(situations)));
        }
        return List.copyOf(out);
    }

    /** A clause's value as JSON carries it for the named parameter (or loss); an unknown name or value fails. */
    private static Object clauseValue(String where, List<ParamSpec> specs, String key, String value) {
        if (key.equals(LOSS)) {
            try {
                return Loss.of(value).id();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ": noEffectWhen: " + e.getMessage(), e);
            }
        }
        ParamSpec other = specs.stream().filter(s -> s.name().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException(where + ": noEffectWhen names '" + key + "', which is neither a parameter nor loss"));
        try {
            Object parsed = switch (other.type()) {
                case "number" -> Double.parseDouble(value);
                case "integer" -> Integer.parseInt(value);
                case "boolean" -> {
                    if (!value.equals("true") && !value.equals("false")) throw new IllegalArgumentException("not true or false");
                    yield Boolean.parseBoolean(value);
                }
                case "choice" -> {
                    if (!other.choices().contains(value)) throw new IllegalArgumentException("not one of " + other.choices());
                    yield value;
                }
                default -> throw new IllegalArgumentException("a " + other.type() + " parameter cannot be a condition");
            };
            Params.validate(List.of(other), Collections.singletonMap(key, parsed));
            return parsed;
        } catch (RuntimeException e) {
            throw new IllegalStateException(where + ": noEffectWhen " + key + " = '" + value + "': " + e.getMessage(), e);
        }
    }

    private static String sentence(Map<String, List<Object>> situation) {
        return situation.entrySet().stream()
                .map(e -> e.getKey() + " is " + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(" or ")))
                .collect(Collectors.joining(" and "));
    }

    /** Whether this parameter has no effect with these (validated) params and this loss id. */
    public boolean noEffect(Map<String, ?> params, String loss) {
        for (Map<String, List<Object>> situation : noEffectWhen) {
            boolean all = true;
            for (var clause : situation.entrySet()) {
                Object actual = clause.getKey().equals(LOSS) ? loss : params.get(clause.getKey());
                if (clause.getValue().stream().noneMatch(v -> same(v, actual))) {
                    all = false;
                    break;
                }
            }
            if (all) return true;
        }
        return false;
    }

    private static boolean same(Object declared, Object actual) {
        if (declared instanceof Number a && actual instanceof Number b) return a.doubleValue() == b.doubleValue();
        return declared.equals(actual);
    }

    /** The default as JSON would carry it (a list for numbers). */
    private Object jsonDefault() {
        if (defaultValue instanceof double[] a) return Arrays.stream(a).boxed().toList();
        return defaultValue;
    }
}
