/** A bootstrap that cannot be used; the message names the JSON path, e.g. `bootstrap: xds_servers[0].server_uri: ...`. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BootstrapError";
  }
}
