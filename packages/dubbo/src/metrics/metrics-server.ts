import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RpcMetrics } from "./rpc-metrics.js";

/** A small HTTP server answering `GET /metrics` (Prometheus scrape) and nothing else. */
export class MetricsServer {
  private readonly server: http.Server;

  constructor(
    private readonly metrics: RpcMetrics,
    private readonly path = "/metrics",
  ) {
    this.server = http.createServer((req, res) => {
      const url = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" || url !== this.path) {
        res
          .writeHead(404, { "content-type": "text/plain" })
          .end(`not found; metrics are at GET ${this.path}\n`);
        return;
      }
      this.metrics.text().then(
        (text) => res.writeHead(200, { "content-type": this.metrics.contentType }).end(text),
        (e) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(e)}\n`),
      );
    });
  }

  async listen(port: number, host = "0.0.0.0"): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
