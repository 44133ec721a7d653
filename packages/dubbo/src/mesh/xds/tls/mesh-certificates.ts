// The certificate providers (A29) of an XdsClient's bootstrap, logging through the SDK's logger.
import { XdsCertificates, type XdsClient } from "@dubbo-mesh/xds";
import type { Logger } from "../../../log/logger.js";

export function meshCertificates(client: XdsClient, logger: Logger): XdsCertificates {
  return new XdsCertificates(client.bootstrap, {
    logger: {
      warn: (message) => logger.warn({}, `xds: ${message}`),
      info: (message) => logger.info({}, `xds: ${message}`),
    },
  });
}
