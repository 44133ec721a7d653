// What resource validation needs to know from the bootstrap: the certificate provider instances TLS
// settings may name (A29 requires a NACK for any other name).
import type { ValidationContext } from "../resources/resource-type.js";
import type { Bootstrap } from "./types.js";

export function validationContextFor(bootstrap: Bootstrap): ValidationContext {
  return { certificateProviders: new Set(Object.keys(bootstrap.certificateProviders)) };
}
