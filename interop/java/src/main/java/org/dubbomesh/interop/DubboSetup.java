package org.dubbomesh.interop;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.RegistryConfig;

/** The application and registry config both subcommands share. */
final class DubboSetup {
    private DubboSetup() {}

    static ApplicationConfig application(String name, String registerMode) {
        ApplicationConfig app = new ApplicationConfig(name);
        app.setLogger("slf4j");
        // QoS listens on 22222 by default: two peers on one machine would collide.
        app.setQosEnable(false);
        if (registerMode != null) {
            app.setRegisterMode(registerMode);
        }
        // Peers written in other languages send Hessian2 class names Dubbo has not seen on this
        // side; warn rather than reject so the interop tests see what was sent.
        app.setSerializeCheckStatus("WARN");
        return app;
    }

    /** Without --registry: Dubbo's "N/A" (no registry; direct URLs only). */
    static RegistryConfig registry(String address) {
        RegistryConfig registry = new RegistryConfig(address == null ? RegistryConfig.NO_AVAILABLE : address);
        if (address != null) {
            // Registering must not hang a test for Dubbo's default 30 s when ZooKeeper is down.
            registry.setTimeout(10_000);
        }
        return registry;
    }
}
