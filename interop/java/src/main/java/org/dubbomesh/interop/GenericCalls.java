package org.dubbomesh.interop;

import java.math.BigDecimal;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.dubbo.rpc.service.GenericService;

/**
 * Generic calls (GenericService.$invoke) on DemoService: no interface class involved on the caller
 * side, POJOs travel as maps with a "class" entry (Dubbo's PojoUtils.generalize form).
 */
final class GenericCalls {
    private final GenericService service;

    GenericCalls(GenericService service) {
        this.service = service;
    }

    Map<String, Object> hello(String name) {
        try {
            Object got = service.$invoke("sayHello", new String[] {"java.lang.String"}, new Object[] {name});
            Map<String, Object> result = CallResult.ok("generic-hello", "result", got);
            result.put("ok", ("Hello, " + name).equals(got));
            return result;
        } catch (RuntimeException e) {
            return CallResult.failure("generic-hello", e);
        }
    }

    Map<String, Object> echoUser(String name) {
        try {
            Map<String, Object> user = new HashMap<>();
            user.put("class", "org.dubbomesh.interop.User");
            user.put("name", name);
            user.put("age", 42);
            user.put("tags", List.of("a", "b"));
            user.put("attrs", Map.of("k", "v"));
            user.put("birthday", new Date(946684800000L));
            user.put("balance", new BigDecimal("1234.56"));
            Object got = service.$invoke(
                    "echoUser", new String[] {"org.dubbomesh.interop.User"}, new Object[] {user});
            Map<String, Object> shown = new LinkedHashMap<>();
            boolean ok = false;
            if (got instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    Object v = e.getValue();
                    shown.put(String.valueOf(e.getKey()), v instanceof Date d ? d.toInstant().toString()
                            : v instanceof BigDecimal b ? b.toPlainString() : v);
                }
                ok = name.equals(map.get("name")) && Integer.valueOf(42).equals(map.get("age"))
                        && new Date(946684800000L).equals(map.get("birthday"))
                        && map.get("balance") instanceof BigDecimal b && b.compareTo(new BigDecimal("1234.56")) == 0
                        && "org.dubbomesh.interop.User".equals(map.get("class"));
            }
            Map<String, Object> result = CallResult.ok("generic-user", "user", shown);
            result.put("resultClass", got == null ? null : got.getClass().getName());
            result.put("ok", ok);
            return result;
        } catch (RuntimeException e) {
            return CallResult.failure("generic-user", e);
        }
    }
}
