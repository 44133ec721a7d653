package org.dubbomesh.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.service.GenericService;
import org.dubbomesh.greet.v1.GreetService;

/**
 * `consumer`: calls GreetService (and optionally DemoService) through a direct URL or a registry,
 * prints one JSON line per call on stdout, and returns 0 only if every call succeeded.
 */
final class ConsumerCommand {
    static final List<String> DEFAULT_CALLS = List.of("unary", "server-stream", "client-stream", "bidi");
    static final List<String> ALL_CALLS = List.of("unary", "server-stream", "client-stream", "bidi",
            "demo-hello", "demo-user", "demo-order", "demo-error", "generic-hello", "generic-user");

    private ConsumerCommand() {}

    static int run(String[] argv) throws Exception {
        CliArgs args = new CliArgs(argv, 0, "url", "group", "version", "registry", "name", "names", "calls",
                "app", "timeout-ms", "discovery", "demo-url", "demo-protocol");
        String url = args.get("url");
        String registry = args.get("registry");
        if (url == null && registry == null) {
            throw new IllegalArgumentException("--url or --registry is required");
        }
        // Otherwise Dubbo dials the machine's NIC address instead of a tri://127.0.0.1 URL.
        LoopbackNetwork.pin();
        String discovery = args.get("discovery");
        if (discovery != null) {
            // Which registry layout the consumer reads: interface-level, application-level or both.
            System.setProperty("dubbo.application.service-discovery.migration", switch (discovery) {
                case "interface" -> "FORCE_INTERFACE";
                case "instance" -> "FORCE_APPLICATION";
                case "all" -> "APPLICATION_FIRST";
                default -> throw new IllegalArgumentException("--discovery must be interface, instance or all");
            });
        }
        String name = args.get("name", "java");
        List<String> names = args.get("names") != null
                ? Arrays.asList(args.get("names").split(","))
                : List.of(name + "-1", name + "-2", name + "-3");
        List<String> calls = args.get("calls") != null
                ? Arrays.stream(args.get("calls").split(",")).map(String::trim).toList()
                : DEFAULT_CALLS;
        for (String call : calls) {
            if (!ALL_CALLS.contains(call)) {
                throw new IllegalArgumentException("unknown call kind " + call + " (known: " + ALL_CALLS + ")");
            }
        }
        int timeoutMs = Integer.parseInt(args.get("timeout-ms", "5000"));
        boolean wantsGreet = calls.stream().anyMatch(c -> !c.startsWith("demo-") && !c.startsWith("generic-"));
        boolean wantsDemo = calls.stream().anyMatch(c -> c.startsWith("demo-"));
        boolean wantsGeneric = calls.stream().anyMatch(c -> c.startsWith("generic-"));

        // Only reference what is called: an unused reference would still wait for its providers.
        ReferenceConfig<GreetService> greetRef =
                wantsGreet ? reference(GreetService.class, url, args, timeoutMs) : null;
        // Through a registry the protocol cannot come from a URL: --demo-protocol dubbo picks dubbo:// providers.
        String demoProtocol = args.get("demo-protocol");
        ReferenceConfig<DemoService> demoRef = wantsDemo
                ? reference(DemoService.class, args.get("demo-url", url), args, timeoutMs, demoProtocol)
                : null;
        ReferenceConfig<GenericService> genericRef = wantsGeneric ? genericReference(args.get("demo-url", url), args, timeoutMs) : null;

        DubboBootstrap bootstrap = DubboBootstrap.getInstance()
                .application(DubboSetup.application(args.get("app", "java-consumer"), null))
                .registry(DubboSetup.registry(registry));
        if (greetRef != null) {
            bootstrap.reference(greetRef);
        }
        if (demoRef != null) {
            bootstrap.reference(demoRef);
        }
        if (genericRef != null) {
            bootstrap.reference(genericRef);
        }
        bootstrap.start();

        GreetCalls greet = null;
        if (greetRef != null) {
            if (registry != null && url == null) {
                awaitProviders(greetRef.getInvoker(), timeoutMs);
            }
            greet = new GreetCalls(greetRef.get(), timeoutMs);
        }
        DemoCalls demo = null;
        if (demoRef != null) {
            if (registry != null && args.get("demo-url", url) == null) {
                awaitProviders(demoRef.getInvoker(), timeoutMs);
            }
            demo = new DemoCalls(demoRef.get());
        }

        GenericCalls generic = null;
        if (genericRef != null) {
            if (registry != null && args.get("demo-url", url) == null) {
                awaitProviders(genericRef.getInvoker(), timeoutMs);
            }
            generic = new GenericCalls(genericRef.get());
        }

        boolean allOk = true;
        for (String call : calls) {
            Map<String, Object> result = switch (call) {
                case "unary" -> greet.unary(name);
                case "server-stream" -> greet.serverStream(name);
                case "client-stream" -> greet.clientStream(names);
                case "bidi" -> greet.bidi(names);
                case "demo-hello" -> demo.hello(name);
                case "demo-user" -> demo.echoUser(name);
                case "demo-order" -> demo.order(name);
                case "demo-error" -> demo.error();
                case "generic-hello" -> generic.hello(name);
                case "generic-user" -> generic.echoUser(name);
                default -> throw new IllegalArgumentException("unknown call kind: " + call);
            };
            allOk &= Boolean.TRUE.equals(result.get("ok"));
            Console.line(Json.write(result));
        }
        if (registry != null) {
            stopWithin(bootstrap, 3000);
        }
        return allOk ? 0 : 1;
    }

    private static <T> ReferenceConfig<T> reference(Class<T> type, String url, CliArgs args, int timeoutMs) {
        return reference(type, url, args, timeoutMs, null);
    }

    private static <T> ReferenceConfig<T> reference(
            Class<T> type, String url, CliArgs args, int timeoutMs, String protocol) {
        ReferenceConfig<T> ref = new ReferenceConfig<>();
        ref.setInterface(type);
        ref.setProtocol(protocol != null ? protocol : url != null && url.startsWith("dubbo://") ? "dubbo" : "tri");
        if (url != null) {
            ref.setUrl(url);
        }
        ref.setGroup(args.get("group"));
        ref.setVersion(args.get("version"));
        ref.setTimeout(timeoutMs);
        // One attempt per call: the tests assert on the first answer, not on Dubbo's failover.
        ref.setRetries(0);
        // Report an unreachable provider as a failed call line rather than a stack trace at startup.
        ref.setCheck(false);
        return ref;
    }

    /** A GenericService reference to DemoService: calls go out as $invoke with generic=true. */
    private static ReferenceConfig<GenericService> genericReference(String url, CliArgs args, int timeoutMs) {
        ReferenceConfig<GenericService> ref = new ReferenceConfig<>();
        ref.setInterface(DemoService.class.getName());
        ref.setGeneric("true");
        ref.setProtocol(url != null && url.startsWith("dubbo://") ? "dubbo" : "tri");
        if (url != null) {
            ref.setUrl(url);
        }
        ref.setGroup(args.get("group"));
        ref.setVersion(args.get("version"));
        ref.setTimeout(timeoutMs);
        ref.setRetries(0);
        ref.setCheck(false);
        return ref;
    }

    /** Registry discovery may land just after start(); give it the call timeout to show up. */
    private static void awaitProviders(Invoker<?> invoker, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (invoker != null && !invoker.isAvailable() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Unregisters the consumer from the registry, but never lets shutdown hold up the exit. */
    private static void stopWithin(DubboBootstrap bootstrap, long millis) throws InterruptedException {
        Thread stopper = new Thread(bootstrap::stop, "consumer-stop");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(millis);
    }
}
