package org.dubbomesh.interop;

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
}
