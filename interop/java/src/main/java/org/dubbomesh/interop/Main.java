package org.dubbomesh.interop;

import java.util.Arrays;

/**
 * Entry point of dubbo-mesh-interop.jar: `provider ...` or `consumer ...` (see README.md).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Console.divertSystemOut();
        // Set before any Dubbo class loads: its LoggerFactory picks the adapter in a static block,
        // and the default search order would take log4j/JCL if they happen to be on the classpath.
        System.setProperty("dubbo.application.logger", "slf4j");
        // A killed provider should go away fast in tests; Dubbo waits 10 s for in-flight calls by default.
        System.setProperty("dubbo.service.shutdown.wait", System.getProperty("dubbo.service.shutdown.wait", "1000"));

        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "provider" -> ProviderCommand.run(rest);
                case "consumer" -> System.exit(ConsumerCommand.run(rest));
                case "hessian-vectors" -> System.exit(HessianVectors.run(rest));
                default -> {
                    usage();
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            usage();
            System.exit(2);
        }
    }

    private static void usage() {
        System.err.println(String.join("\n",
                "usage:",
                "  provider --port P [--group G] [--version V] [--registry zookeeper://127.0.0.1:2181]",
                "           [--register-mode interface|instance|all] [--app NAME] [--dubbo-port P2] [--host IP]",
                "  consumer --url tri://127.0.0.1:P [--group G] [--version V] [--registry zookeeper://...]",
                "           [--name N] [--names a,b,c] [--calls unary,server-stream,client-stream,bidi,demo-hello,demo-user,",
                "            demo-order,demo-error,generic-hello,generic-user] [--demo-url dubbo://127.0.0.1:P2]",
                "           [--app NAME] [--timeout-ms 5000] [--discovery interface|instance|all]",
                "  hessian-vectors encode          (JSON lines: name, hex, java)",
                "  hessian-vectors decode < lines  (name<TAB>count<TAB>hex in; JSON lines: name, hex, java | error)"));
    }
}
