// watchTarget over both protocols against the in-process Triple ADS server.
import { startInprocControlPlane } from "./support/inproc-control-plane.js";
import { defineResolverScenarios } from "./support/resolver-scenarios.js";

defineResolverScenarios({
  protocol: "sotw",
  against: "the in-process Triple ADS server",
  start: startInprocControlPlane,
});
defineResolverScenarios({
  protocol: "delta",
  against: "the in-process Triple ADS server",
  start: startInprocControlPlane,
});
