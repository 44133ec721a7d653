package org.dubbomesh.interop;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
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

    static User sampleUser(String name) {
        User user = new User();
        user.setName(name);
        user.setAge(42);
        user.setTags(List.of("a", "b"));
        user.setAttrs(Map.of("k", "v"));
        user.setBirthday(new Date(946684800000L)); // 2000-01-01T00:00:00Z
        user.setBalance(new BigDecimal("1234.56"));
        return user;
    }

    static Map<String, Object> userJson(User got) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("name", got.getName());
        user.put("age", got.getAge());
        user.put("tags", got.getTags());
        user.put("attrs", got.getAttrs());
        user.put("birthday", got.getBirthday() == null ? null : got.getBirthday().toInstant().toString());
        user.put("balance", got.getBalance() == null ? null : got.getBalance().toPlainString());
        return user;
    }

    Map<String, Object> echoUser(String name) {
        try {
            User sent = sampleUser(name);
            User got = service.echoUser(sent);
            Map<String, Object> result = CallResult.ok("demo-user", "user", userJson(got));
            // A lossy round trip is a failure of the call, not just a detail of the output.
            boolean equal = sent.toString().equals(got.toString());
            result.put("ok", equal);
            result.put("equal", equal);
            return result;
        } catch (RuntimeException e) {
            return CallResult.failure("demo-user", e);
        }
    }

    /** placeOrder with nested POJOs, a list and a map; the answer must equal what Java computes locally. */
    Map<String, Object> order(String name) {
        try {
            User buyer = sampleUser(name);
            List<Item> items = new ArrayList<>(List.of(
                    new Item("apple", 3, new BigDecimal("1.25")),
                    new Item("pear", 2, new BigDecimal("0.40"))));
            Map<String, String> notes = new LinkedHashMap<>();
            notes.put("gift", "yes");
            notes.put("paid", "true");
            Order got = service.placeOrder(buyer, items, notes);
            Order expected = DemoOrders.place(buyer, items, notes);
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("id", String.valueOf(got.getId()));
            order.put("buyer", got.getBuyer() == null ? null : userJson(got.getBuyer()));
            List<String> gotItems = new ArrayList<>();
            if (got.getItems() != null) {
                for (Item item : got.getItems()) gotItems.add(item.toString());
            }
            order.put("items", gotItems);
            order.put("itemsBySku", got.getItemsBySku() == null ? null : new ArrayList<>(got.getItemsBySku().keySet()));
            order.put("notes", got.getNotes());
            order.put("created", got.getCreated() == null ? null : got.getCreated().toInstant().toString());
            order.put("total", got.getTotal() == null ? null : got.getTotal().toPlainString());
            order.put("status", String.valueOf(got.getStatus()));
            order.put("quantities", got.getQuantities() == null ? null : Arrays.toString(got.getQuantities()));
            boolean equal = got.getId() == expected.getId()
                    && String.valueOf(got.getBuyer()).equals(String.valueOf(expected.getBuyer()))
                    && String.valueOf(got.getItems()).equals(String.valueOf(expected.getItems()))
                    && String.valueOf(got.getItemsBySku()).equals(String.valueOf(expected.getItemsBySku()))
                    && String.valueOf(got.getNotes()).equals(String.valueOf(expected.getNotes()))
                    && got.getCreated() != null && got.getCreated().equals(expected.getCreated())
                    && got.getTotal() != null && got.getTotal().compareTo(expected.getTotal()) == 0
                    && got.getStatus() == expected.getStatus()
                    && Arrays.equals(got.getQuantities(), expected.getQuantities());
            Map<String, Object> result = CallResult.ok("demo-order", "order", order);
            result.put("ok", equal);
            result.put("equal", equal);
            return result;
        } catch (RuntimeException e) {
            return CallResult.failure("demo-order", e);
        }
    }

    /** fail("demo") must throw the provider's DemoException itself, field and cause included. */
    Map<String, Object> error() {
        try {
            String unexpected = service.fail("demo");
            return CallResult.ok("demo-error", "result", unexpected);
        } catch (DemoException e) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("kind", "demo-error");
            Throwable cause = e.getCause();
            boolean ok = e.getCode() == 42 && "demo failure".equals(e.getMessage())
                    && cause instanceof IllegalStateException && "root cause".equals(cause.getMessage());
            result.put("ok", ok);
            result.put("exception", e.getClass().getName());
            result.put("message", e.getMessage());
            result.put("code", e.getCode());
            result.put("cause", cause == null ? null : cause.getClass().getName() + ": " + cause.getMessage());
            return result;
        } catch (RuntimeException e) {
            Map<String, Object> result = CallResult.failure("demo-error", e);
            result.put("exception", e.getClass().getName());
            return result;
        }
    }
}
