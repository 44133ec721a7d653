// How Dubbo services are named in the mesh. Kept in one place because VirtualServices and
// DestinationRules, the `xds:///` targets of consumers and /debug/registryz all depend on it.
//
// - Interface level (`/dubbo/<interface>/providers`): the host is the interface name, lowercased, with
//   anything outside [a-z0-9.-] turned into `-` (Istio hosts are lowercase DNS names), e.g.
//   `org.dubbomesh.greet.v1.GreetService` -> `org.dubbomesh.greet.v1.greetservice`. Every provider of
//   the interface, whatever its application, is an endpoint of that one host, which is how Dubbo
//   consumers see an interface, and what lets one VirtualService split it between Java and us. A
//   name with 3+ dots is taken as it is by VirtualService/DestinationRule host resolution.
// - Application level (`/services/<app>`): `<app>.<namespace>.svc.<domain>`, the host auto-registered
//   workloads of the same app get, so both kinds of instances of one app share a service.
// - Ports work like a Kubernetes Service: the service has one fixed port per protocol (tri/grpc 50051,
//   dubbo 20880 by default), and each endpoint keeps the port its provider registered (a named port,
//   the registry's `targetPort`); providers of one interface rarely share a port number.
import { serviceHost } from "../host-names.js";

/** The mesh port name of a Dubbo protocol, or undefined for protocols the mesh does not carry. */
export function portName(protocol: string): "grpc" | "tcp-dubbo" | undefined {
  if (protocol === "tri" || protocol === "grpc") return "grpc";
  if (protocol === "dubbo") return "tcp-dubbo";
  return undefined;
}

export interface ServicePorts {
  /** Service port of Triple (and gRPC) providers (default 50051). */
  readonly grpc: number;
  /** Service port of Dubbo2-protocol providers (default 20880). */
  readonly "tcp-dubbo": number;
}

export const DEFAULT_SERVICE_PORTS: ServicePorts = { grpc: 50051, "tcp-dubbo": 20880 };

/** Istio's protocol of a mesh port name: gRPC for Triple, plain TCP for Dubbo2. */
export function portProtocol(name: keyof ServicePorts): string {
  return name === "grpc" ? "GRPC" : "TCP";
}

export function interfaceHost(iface: string): string {
  return iface.toLowerCase().replace(/[^a-z0-9.-]/g, "-");
}

export function applicationHost(app: string, namespace: string, domain?: string): string {
  return serviceHost(app.toLowerCase().replace(/[^a-z0-9-]/g, "-"), namespace, domain);
}
