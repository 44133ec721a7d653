// XdsClient over incremental (delta) ADS against go-control-plane (interop/go), started for real.
import { defineClientScenarios } from "./support/client-scenarios.js";
import { startGoControlPlane } from "./support/go-control-plane.js";

defineClientScenarios({ protocol: "delta", against: "go-control-plane", start: startGoControlPlane });
