// XdsClient over state-of-the-world ADS against go-control-plane (interop/go), a control plane we did
// not write, started for real.
import { defineClientScenarios } from "./support/client-scenarios.js";
import { startGoControlPlane } from "./support/go-control-plane.js";

defineClientScenarios({ protocol: "sotw", against: "go-control-plane", start: startGoControlPlane });
