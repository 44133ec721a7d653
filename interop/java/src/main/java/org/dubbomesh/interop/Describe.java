package org.dubbomesh.interop;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-line, type-revealing rendering of what hessian-lite decoded (e.g. `Long:5`,
 * `java.util.ArrayList[Integer:1,String:"a"]`, `org.dubbomesh.interop.Item{sku=String:"x",...}`), so a
 * TypeScript test can check the Java types its bytes turned into, not just the values.
 */
final class Describe {
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();

    private Describe() {}

    static String of(Object value) {
        return new Describe().describe(value);
    }

    private String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "String:" + Json.write(s);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof Boolean || v instanceof Double || v instanceof Float) {
            return v.getClass().getSimpleName() + ":" + v;
        }
        if (v instanceof Character c) return "Character:" + Json.write(String.valueOf(c));
        if (v instanceof Date d) return "Date:" + d.getTime();
        if (v instanceof BigDecimal b) return "BigDecimal:" + b;
        if (v instanceof BigInteger b) return "BigInteger:" + b;
        if (v instanceof Enum<?> e) return e.getDeclaringClass().getName() + "." + e.name();
        if (v instanceof TemporalAccessor || v instanceof java.time.Duration || v instanceof java.time.Period
                || v instanceof java.time.ZoneId) {
            return v.getClass().getName() + ":" + v;
        }
        if (v instanceof byte[] bytes) return "byte[" + bytes.length + "]";
        if (seen.containsKey(v)) return "<ref " + v.getClass().getName() + ">";
        seen.put(v, Boolean.TRUE);
        if (v instanceof Throwable t) {
            return t.getClass().getName() + "(" + Json.write(String.valueOf(t.getMessage())) + ")"
                    + (t.getCause() != null && t.getCause() != t ? " caused by " + describe(t.getCause()) : "");
        }
        if (v.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) items.add(describe(Array.get(v, i)));
            return v.getClass().getComponentType().getName() + "[]" + items;
        }
        if (v instanceof Collection<?> c) {
            List<String> items = new ArrayList<>();
            for (Object item : c) items.add(describe(item));
            return v.getClass().getName() + items;
        }
        if (v instanceof Map<?, ?> m) {
            List<String> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) entries.add(describe(e.getKey()) + "=" + describe(e.getValue()));
            return v.getClass().getName() + "{" + String.join(",", entries) + "}";
        }
        List<String> fields = new ArrayList<>();
        for (Class<?> c = v.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) continue;
                try {
                    f.setAccessible(true);
                    fields.add(f.getName() + "=" + describe(f.get(v)));
                } catch (RuntimeException | IllegalAccessException e) {
                    fields.add(f.getName() + "=<inaccessible>");
                }
            }
        }
        return v.getClass().getName() + "{" + String.join(",", fields) + "}";
    }
}
