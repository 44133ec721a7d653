package org.dubbomesh.interop;

import java.util.HashMap;
import java.util.Map;

/** `--key value` flags after the subcommand; unknown keys are rejected so typos fail loudly. */
final class CliArgs {
    private final Map<String, String> values = new HashMap<>();

    CliArgs(String[] args, int from, String... known) {
        java.util.Set<String> allowed = java.util.Set.of(known);
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for --" + key);
            }
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + " (known: " + allowed + ")");
            }
            values.put(key, value);
        }
    }

    String get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    String get(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    Integer intValue(String key) {
        String v = get(key);
        return v == null ? null : Integer.valueOf(v);
    }
}
