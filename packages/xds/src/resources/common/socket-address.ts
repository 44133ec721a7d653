// envoy.config.core.v3.Address -> host and port, as endpoints, logical DNS clusters and server
// listeners carry them.
import type { Address } from "../../gen/envoy/config/core/v3/address_pb.js";
import type { FieldErrors } from "../validation.js";

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Requires `socket_address` with a non-empty address and a `port_value` in 0..65535. */
export function hostPortFrom(address: Address | undefined, errors: FieldErrors): HostPort | undefined {
  if (address === undefined) {
    errors.add("is not set");
    return undefined;
  }
  if (address.address.case !== "socketAddress") {
    errors.add(`only socket_address is supported, got ${address.address.case ?? "nothing"}`);
    return undefined;
  }
  const socket = address.address.value;
  const at = errors.at("socket_address");
  let ok = true;
  if (socket.address === "") {
    at.at("address").add("must not be empty");
    ok = false;
  }
  if (socket.portSpecifier.case !== "portValue") {
    at.add("port_value must be set (named ports are not supported)");
    ok = false;
  } else if (socket.portSpecifier.value > 65535) {
    at.at("port_value").add(`${socket.portSpecifier.value} is not a port`);
    ok = false;
  }
  if (!ok || socket.portSpecifier.case !== "portValue") return undefined;
  return { host: socket.address, port: socket.portSpecifier.value };
}
