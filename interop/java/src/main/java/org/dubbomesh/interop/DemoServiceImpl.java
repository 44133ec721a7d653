package org.dubbomesh.interop;

import java.util.List;
import java.util.Map;

/** Answers plainly so a caller can check every field made the round trip. */
final class DemoServiceImpl implements DemoService {
    @Override
    public String sayHello(String name) {
        if (GreetServiceImpl.ERROR_NAME.equals(name)) {
            throw new IllegalArgumentException("invalid name: " + name);
        }
        return "Hello, " + name;
    }

    @Override
    public User echoUser(User user) {
        return user;
    }

    @Override
    public Order placeOrder(User buyer, List<Item> items, Map<String, String> notes) {
        return DemoOrders.place(buyer, items, notes);
    }

    @Override
    public String fail(String kind) {
        if ("demo".equals(kind)) {
            throw new DemoException("demo failure", 42, new IllegalStateException("root cause"));
        }
        throw new IllegalArgumentException("unknown kind: " + kind);
    }
}
