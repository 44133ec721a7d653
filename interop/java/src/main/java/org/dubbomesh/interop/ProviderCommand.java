package org.dubbomesh.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.dubbomesh.greet.v1.GreetService;

/**
 * `provider`: exports greet.v1.GreetService over Triple on --port (gRPC via the dubbo-compiler stub,
 * JSON unary via GreetJsonService), and the IDL-less DemoService
 * over Triple (wrapper mode) and, with --dubbo-port, the dubbo protocol. Prints one "listening"
 * line on stdout once everything is exported, then serves until the process is killed.
 */
final class ProviderCommand {
    private ProviderCommand() {}

    static void run(String[] argv) throws InterruptedException {
        CliArgs args = new CliArgs(argv, 0,
                "port", "group", "version", "registry", "register-mode", "app", "dubbo-port", "host");
        Integer port = args.intValue("port");
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        String group = args.get("group");
        String version = args.get("version");
        Integer dubboPort = args.intValue("dubbo-port");
        // Without --host: bind 0.0.0.0 (Dubbo refuses to bind loopback alone) and register 127.0.0.1.
        // With --host: bind and register that (non-loopback) address, Dubbo's normal behaviour.
        String host = args.get("host");
        if (host == null) {
            LoopbackNetwork.pin();
        }

        ProtocolConfig tri = new ProtocolConfig("tri", port);
        tri.setHost(host);
        List<ProtocolConfig> protocols = new ArrayList<>(List.of(tri));
        ProtocolConfig dubbo = null;
        if (dubboPort != null) {
            dubbo = new ProtocolConfig("dubbo", dubboPort);
            dubbo.setHost(host);
            dubbo.setSerialization("hessian2");
            protocols.add(dubbo);
        }

        GreetServiceImpl greetImpl = new GreetServiceImpl(group, version);
        ServiceConfig<GreetService> greet = new ServiceConfig<>();
        greet.setInterface(GreetService.class);
        greet.setRef(greetImpl);
        greet.setGroup(group);
        greet.setVersion(version);
        // Streaming IDL methods exist only on Triple.
        greet.setProtocol(tri);

        ServiceConfig<GreetJsonService> greetJson = new ServiceConfig<>();
        greetJson.setInterface(GreetJsonService.class);
        greetJson.setRef(new GreetJsonServiceImpl(greetImpl));
        greetJson.setGroup(group);
        greetJson.setVersion(version);
        greetJson.setProtocol(tri);

        ServiceConfig<DemoService> demo = new ServiceConfig<>();
        demo.setInterface(DemoService.class);
        demo.setRef(new DemoServiceImpl());
        demo.setGroup(group);
        demo.setVersion(version);
        demo.setProtocols(protocols);

        DubboBootstrap.getInstance()
                .application(DubboSetup.application(args.get("app", "java-provider"), args.get("register-mode")))
                .registry(DubboSetup.registry(args.get("registry")))
                .protocols(protocols)
                .service(greet)
                .service(greetJson)
                .service(demo)
                .start();

        Console.line("java provider listening on " + port + (dubbo == null ? "" : " dubbo " + dubboPort));
        new CountDownLatch(1).await();
    }
}
