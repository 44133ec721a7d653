// XdsClient over incremental (delta) ADS against the in-process Triple ADS server.
import { defineClientScenarios } from "./support/client-scenarios.js";
import { startInprocControlPlane } from "./support/inproc-control-plane.js";

defineClientScenarios({
  protocol: "delta",
  against: "the in-process Triple ADS server",
  start: startInprocControlPlane,
});
