package org.dubbomesh.interop;

import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Calls on the IDL-less DemoService (Triple wrapper mode or Dubbo2, by the reference's URL). */
final class DemoCalls {
    private final DemoService service;

    DemoCalls(DemoService service) {
        this.service = service;
    }

    Map<String, Object> hello(String name) {
        try {
            return CallResult.ok("demo-hello", "result", service.sayHello(name));
        } catch (RuntimeException e) {
            return CallResult.failure("demo-hello", e);
        }
    }

    Map<String, Object> echoUser(String name) {
        try {
            User sent = new User();
            sent.setName(name);
            sent.setAge(42);
            sent.setTags(List.of("a", "b"));
            sent.setAttrs(Map.of("k", "v"));
            sent.setBirthday(new Date(946684800000L)); // 2000-01-01T00:00:00Z
            sent.setBalance(new BigDecimal("1234.56"));
            User got = service.echoUser(sent);
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("name", got.getName());
            user.put("age", got.getAge());
            user.put("tags", got.getTags());
            user.put("attrs", got.getAttrs());
            user.put("birthday", got.getBirthday() == null ? null : got.getBirthday().toInstant().toString());
            user.put("balance", got.getBalance() == null ? null : got.getBalance().toPlainString());
            Map<String, Object> result = CallResult.ok("demo-user", "user", user);
            // A lossy round trip is a failure of the call, not just a detail of the output.
            boolean equal = sent.toString().equals(got.toString());
            result.put("ok", equal);
            result.put("equal", equal);
            return result;
        } catch (RuntimeException e) {
            return CallResult.failure("demo-user", e);
        }
    }
}
