// Response statuses, from Dubbo's exchange/Response.java. A non-OK response's body is one Hessian
// string, the error message (ExchangeCodec.decodeBody: res.setErrorMessage(in.readUTF())).

export const Status = {
  OK: 20,
  SERIALIZATION_ERROR: 25,
  CLIENT_TIMEOUT: 30,
  SERVER_TIMEOUT: 31,
  CHANNEL_INACTIVE: 35,
  BAD_REQUEST: 40,
  BAD_RESPONSE: 50,
  SERVICE_NOT_FOUND: 60,
  SERVICE_ERROR: 70,
  SERVER_ERROR: 80,
  CLIENT_ERROR: 90,
  SERVER_THREADPOOL_EXHAUSTED_ERROR: 100,
} as const;

export type StatusName = keyof typeof Status;
export type StatusCode = (typeof Status)[StatusName];

const names = new Map<number, StatusName>(
  (Object.entries(Status) as [StatusName, number][]).map(([name, code]) => [code, name]),
);

/** "BAD_REQUEST" for 40; "STATUS_<n>" for codes Dubbo does not define. */
export function statusName(status: number): string {
  return names.get(status) ?? `STATUS_${status}`;
}
