// watchTarget against go-control-plane (interop/go), over both protocols.
import { startGoControlPlane } from "./support/go-control-plane.js";
import { defineResolverScenarios } from "./support/resolver-scenarios.js";

defineResolverScenarios({ protocol: "sotw", against: "go-control-plane", start: startGoControlPlane });
defineResolverScenarios({ protocol: "delta", against: "go-control-plane", start: startGoControlPlane });
