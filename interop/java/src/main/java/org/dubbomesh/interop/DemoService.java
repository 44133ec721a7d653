package org.dubbomesh.interop;

/**
 * An IDL-less Java interface service: over Triple it travels in wrapper mode
 * (TripleRequestWrapper + Hessian2 args), over the dubbo protocol as plain Dubbo2 + Hessian2.
 */
public interface DemoService {
    String sayHello(String name);

    User echoUser(User user);
}
