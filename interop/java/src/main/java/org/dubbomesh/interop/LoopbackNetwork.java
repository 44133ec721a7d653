package org.dubbomesh.interop;

/**
 * Keeps Dubbo on 127.0.0.1. Dubbo treats loopback as "no address": a consumer rewrites
 * tri://127.0.0.1:P to the machine's first NIC address before dialling (NetUtils.filterLocalHost),
 * and a provider registers that NIC address instead of 127.0.0.1. Tests must only talk over
 * loopback, so by default every network interface is hidden from Dubbo's address lookup, which
 * then falls back to 127.0.0.1 for both.
 */
final class LoopbackNetwork {
    private static final String IGNORED_INTERFACES = "dubbo.network.interface.ignored";

    private LoopbackNetwork() {}

    static void pin() {
        if (System.getProperty(IGNORED_INTERFACES) != null) {
            return; // the caller configured interfaces explicitly
        }
        System.setProperty(IGNORED_INTERFACES, ".*");
        // With no interface left, Dubbo logs an NPE warning each time it looks one up: expected here.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.dubbo.common.utils.NetUtils", "error");
    }
}
