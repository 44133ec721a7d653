export type { ConfigSource } from "./config/config-source.js";
export type { Discovery, ServiceQuery, ServiceRegistration, WatchUpdate } from "./discovery/discovery.js";
export { serviceKey } from "./discovery/discovery.js";
export type { Endpoint } from "./discovery/endpoint.js";
export { endpointKey } from "./discovery/endpoint.js";
