// envoy.type.v3.FractionalPercent -> a plain fraction. Route runtime_fraction, fault percentages and
// EDS drop_overloads all use it; the SDK draws `random() * denominator < numerator`.
import {
  type FractionalPercent,
  FractionalPercent_DenominatorType,
} from "../../gen/envoy/type/v3/percent_pb.js";
import type { FieldErrors } from "../validation.js";

export type FractionDenominator = 100 | 10_000 | 1_000_000;

export interface Fraction {
  readonly numerator: number;
  readonly denominator: FractionDenominator;
}

const denominators: Readonly<Record<number, FractionDenominator>> = {
  [FractionalPercent_DenominatorType.HUNDRED]: 100,
  [FractionalPercent_DenominatorType.TEN_THOUSAND]: 10_000,
  [FractionalPercent_DenominatorType.MILLION]: 1_000_000,
};

/** Envoy caps a numerator above its denominator at 100%, so do we. */
export function fractionFrom(percent: FractionalPercent, errors: FieldErrors): Fraction | undefined {
  const denominator = denominators[percent.denominator];
  if (denominator === undefined) {
    errors.at("denominator").add(`unknown denominator ${percent.denominator}`);
    return undefined;
  }
  return { numerator: Math.min(percent.numerator, denominator), denominator };
}

/** True with the probability the fraction gives; `random` returns [0, 1) like Math.random. */
export function fractionHits(fraction: Fraction, random: () => number = Math.random): boolean {
  return Math.floor(random() * fraction.denominator) < fraction.numerator;
}
