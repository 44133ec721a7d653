// The parts of CommonTlsContext both directions share: certificate provider instances (current and
// deprecated fields) and the validation context.
//
// istiod before 1.29 sent only the deprecated fields (`tls_certificate_certificate_provider_instance`,
// field 11, and `validation_context_certificate_provider_instance`, field 4 of the combined validation
// context); since 1.29 it sends both (istio/istio#58257). grpc-js-xds reads only the current ones and
// NACKs older istiods, so we accept either, preferring the current field when both are present.
import type {
  CertificateValidationContext,
  SubjectAltNameMatcher,
} from "../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { SubjectAltNameMatcher_SanType } from "../../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import type { CommonTlsContext } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { stringMatcherFrom } from "../common/string-matcher.js";
import type { FieldErrors } from "../validation.js";
import type { CertificateProviderRef, SanMatcherConfig, SanType } from "./types.js";

/** Bootstrap certificate provider instance names; when given, references are checked against it. */
export type KnownProviders = ReadonlySet<string> | undefined;

function providerRef(
  ref: { instanceName: string; certificateName: string },
  known: KnownProviders,
  errors: FieldErrors,
): CertificateProviderRef | undefined {
  if (ref.instanceName === "") {
    errors.at("instance_name").add("must not be empty");
    return undefined;
  }
  if (known !== undefined && !known.has(ref.instanceName)) {
    errors
      .at("instance_name")
      .add(`${JSON.stringify(ref.instanceName)} is not a certificate provider in the bootstrap`);
    return undefined;
  }
  return { instanceName: ref.instanceName, certificateName: ref.certificateName };
}

export function identityProvider(
  ctx: CommonTlsContext,
  known: KnownProviders,
  errors: FieldErrors,
): CertificateProviderRef | undefined {
  if (ctx.tlsCertificateProviderInstance !== undefined) {
    return providerRef(
      ctx.tlsCertificateProviderInstance,
      known,
      errors.at("tls_certificate_provider_instance"),
    );
  }
  if (ctx.tlsCertificateCertificateProviderInstance !== undefined) {
    return providerRef(
      ctx.tlsCertificateCertificateProviderInstance,
      known,
      errors.at("tls_certificate_certificate_provider_instance"),
    );
  }
  // Inline certificates and SDS are Envoy's ways; gRPC only takes certificates from the bootstrap.
  if (ctx.tlsCertificates.length > 0)
    errors.at("tls_certificates").add("inline certificates are not supported");
  if (ctx.tlsCertificateSdsSecretConfigs.length > 0) {
    errors.at("tls_certificate_sds_secret_configs").add("SDS is not supported");
  }
  return undefined;
}

export interface ValidationSettings {
  readonly caCertificate?: CertificateProviderRef;
  readonly sanMatchers: readonly SanMatcherConfig[];
}

const sanTypes: Readonly<Record<number, SanType>> = {
  [SubjectAltNameMatcher_SanType.EMAIL]: "email",
  [SubjectAltNameMatcher_SanType.DNS]: "dns",
  [SubjectAltNameMatcher_SanType.URI]: "uri",
  [SubjectAltNameMatcher_SanType.IP_ADDRESS]: "ip_address",
};

function sanMatchers(vc: CertificateValidationContext, errors: FieldErrors): SanMatcherConfig[] {
  const out: SanMatcherConfig[] = [];
  vc.matchSubjectAltNames.forEach((m, i) => {
    const matcher = stringMatcherFrom(m, errors.at("match_subject_alt_names").at(i));
    if (matcher !== undefined) out.push({ sanType: "any", matcher });
  });
  vc.matchTypedSubjectAltNames.forEach((m: SubjectAltNameMatcher, i) => {
    const at = errors.at("match_typed_subject_alt_names").at(i);
    const sanType = sanTypes[m.sanType];
    if (sanType === undefined) {
      at.at("san_type").add(`unsupported SAN type ${m.sanType}`);
      return;
    }
    if (m.matcher === undefined) {
      at.at("matcher").add("is not set");
      return;
    }
    const matcher = stringMatcherFrom(m.matcher, at.at("matcher"));
    if (matcher !== undefined) out.push({ sanType, matcher });
  });
  return out;
}

function checkValidationContext(vc: CertificateValidationContext, errors: FieldErrors): void {
  // These ask for checks gRPC does not implement; ignoring them would weaken security silently.
  if (vc.verifyCertificateSpki.length > 0) errors.at("verify_certificate_spki").add("is not supported");
  if (vc.verifyCertificateHash.length > 0) errors.at("verify_certificate_hash").add("is not supported");
  if (vc.requireSignedCertificateTimestamp === true) {
    errors.at("require_signed_certificate_timestamp").add("is not supported");
  }
  if (vc.crl !== undefined) errors.at("crl").add("is not supported");
  if (vc.customValidatorConfig !== undefined) errors.at("custom_validator_config").add("is not supported");
}

/** Where the trust roots come from, and SAN matchers, from whichever validation field is used. */
export function validationSettings(
  ctx: CommonTlsContext,
  known: KnownProviders,
  errors: FieldErrors,
): ValidationSettings {
  const v = ctx.validationContextType;
  switch (v.case) {
    case undefined:
      return { sanMatchers: [] };
    case "validationContext": {
      const at = errors.at("validation_context");
      checkValidationContext(v.value, at);
      const ca =
        v.value.caCertificateProviderInstance === undefined
          ? undefined
          : providerRef(
              v.value.caCertificateProviderInstance,
              known,
              at.at("ca_certificate_provider_instance"),
            );
      return { caCertificate: ca, sanMatchers: sanMatchers(v.value, at) };
    }
    case "combinedValidationContext": {
      const at = errors.at("combined_validation_context");
      const def = v.value.defaultValidationContext;
      let ca: CertificateProviderRef | undefined;
      let sans: SanMatcherConfig[] = [];
      if (def !== undefined) {
        const defAt = at.at("default_validation_context");
        checkValidationContext(def, defAt);
        sans = sanMatchers(def, defAt);
        if (def.caCertificateProviderInstance !== undefined) {
          ca = providerRef(
            def.caCertificateProviderInstance,
            known,
            defAt.at("ca_certificate_provider_instance"),
          );
        }
      }
      const legacy = v.value.validationContextCertificateProviderInstance;
      if (ca === undefined && legacy !== undefined) {
        ca = providerRef(legacy, known, at.at("validation_context_certificate_provider_instance"));
      }
      if (v.value.validationContextSdsSecretConfig !== undefined) {
        at.at("validation_context_sds_secret_config").add("SDS is not supported");
      }
      return { caCertificate: ca, sanMatchers: sans };
    }
    case "validationContextCertificateProviderInstance":
      return {
        caCertificate: providerRef(
          v.value,
          known,
          errors.at("validation_context_certificate_provider_instance"),
        ),
        sanMatchers: [],
      };
    case "validationContextSdsSecretConfig":
      errors.at("validation_context_sds_secret_config").add("SDS is not supported");
      return { sanMatchers: [] };
    case "validationContextCertificateProvider":
      errors.at("validation_context_certificate_provider").add("is not supported; use a provider instance");
      return { sanMatchers: [] };
  }
}

export function checkCommonTlsContext(ctx: CommonTlsContext, errors: FieldErrors): void {
  if (ctx.tlsParams !== undefined) errors.at("tls_params").add("is not supported");
  if (ctx.customHandshaker !== undefined) errors.at("custom_handshaker").add("is not supported");
}
