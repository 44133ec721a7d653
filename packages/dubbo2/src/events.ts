// Event frames (FLAG_EVENT). A heartbeat is an event whose body is the serialization's null (Hessian
// 'N'); the answer is an event response with status OK and a null body. READONLY_EVENT ("R") is sent
// by a provider that is shutting down: consumers stop sending new requests on that connection.

import {
  encodeHeader,
  FLAG_EVENT,
  FLAG_REQUEST,
  FLAG_TWOWAY,
  type RequestId,
  SERIALIZATION_HESSIAN2,
} from "./header.js";
import { Status } from "./status.js";

/** Hessian null. */
const NULL_BODY = Buffer.from([0x4e]);
/** Hessian string "R" (CommonConstants.READONLY_EVENT). */
const READONLY_BODY = Buffer.from([0x01, 0x52]);

export const READONLY_EVENT = "R";
/** What Dubbo uses for "mock" heartbeats (CommonConstants.MOCK_HEARTBEAT_EVENT); treated as one. */
export const MOCK_HEARTBEAT_EVENT = "H";

export function heartbeatRequest(id: RequestId): Buffer[] {
  const flag = FLAG_REQUEST | FLAG_TWOWAY | FLAG_EVENT | SERIALIZATION_HESSIAN2;
  return [encodeHeader(flag, 0, id, NULL_BODY.length), NULL_BODY];
}

export function heartbeatResponse(id: RequestId): Buffer[] {
  return [encodeHeader(FLAG_EVENT | SERIALIZATION_HESSIAN2, Status.OK, id, NULL_BODY.length), NULL_BODY];
}

/** One-way, as Dubbo's HeaderExchangeServer.sendChannelReadOnlyEvent sends it. */
export function readonlyEvent(id: RequestId): Buffer[] {
  const flag = FLAG_REQUEST | FLAG_EVENT | SERIALIZATION_HESSIAN2;
  return [encodeHeader(flag, 0, id, READONLY_BODY.length), READONLY_BODY];
}

export type EventKind = "heartbeat" | "readonly" | "other";

/** What an event frame's body says: Java compares it with the null bytes first, then reads a value. */
export function eventKind(body: Uint8Array): EventKind {
  if (body.length === 0 || (body.length === 1 && body[0] === 0x4e)) return "heartbeat";
  if (body.length === 2 && body[0] === 0x01) {
    if (body[1] === 0x52) return "readonly";
    if (body[1] === 0x48) return "heartbeat";
  }
  return "other";
}
