package org.dubbomesh.interop;

import java.util.List;
import java.util.Map;

/**
 * An IDL-less Java interface service: over Triple it travels in wrapper mode
 * (TripleRequestWrapper + Hessian2 args), over the dubbo protocol as plain Dubbo2 + Hessian2.
 */
public interface DemoService {
    String sayHello(String name);

    User echoUser(User user);

    /** Several complex arguments; the answer is computed from all of them (total = sum of price * quantity). */
    Order placeOrder(User buyer, List<Item> items, Map<String, String> notes);

    /**
     * Always throws: kind "demo" a DemoException (code 42, cause IllegalStateException "root cause"),
     * anything else an IllegalArgumentException "unknown kind: <kind>".
     */
    String fail(String kind);
}
