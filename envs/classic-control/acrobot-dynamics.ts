import { rk4 } from "./rk4.js";

/** Physical constants of Gymnasium's AcrobotEnv. */
export const ACROBOT = {
  dt: 0.2,
  linkLength1: 1.0,
  linkLength2: 1.0,
  linkMass1: 1.0,
  linkMass2: 1.0,
  linkComPos1: 0.5,
  linkComPos2: 0.5,
  linkMoi: 1.0,
  maxVel1: 4 * Math.PI,
  maxVel2: 9 * Math.PI,
  availTorque: [-1.0, 0.0, +1],
  g: 9.8,
} as const;

/** Beyond this many periods wrap() reduces with a remainder instead of Python's loop, which would hang. */
const MAX_WRAP_LOOPS = 1024;

/** Gymnasium's acrobot wrap: shifts x by whole periods M - m until m <= x <= M. */
export function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  // Python loops forever on infinities and (in practice) on huge values; return NaN / reduce instead.
  if (!Number.isFinite(x)) return Number.NaN;
  if (Math.abs(x) > MAX_WRAP_LOOPS * diff) x = m + ((((x - m) % diff) + diff) % diff);
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/** Gymnasium's acrobot bound: min(max(x, m), M) (NaN passes through, as with Python's min/max here). */
export function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}

/**
 * Gymnasium's AcrobotEnv._dsdt with the "book" dynamics: derivatives of the
 * augmented state (theta1, theta2, dtheta1, dtheta2, torque), torque constant.
 */
export function acrobotDerivatives(y: Float64Array, out: Float64Array): void {
  const m1 = ACROBOT.linkMass1;
  const m2 = ACROBOT.linkMass2;
  const l1 = ACROBOT.linkLength1;
  const lc1 = ACROBOT.linkComPos1;
  const lc2 = ACROBOT.linkComPos2;
  const I1 = ACROBOT.linkMoi;
  const I2 = ACROBOT.linkMoi;
  const g = ACROBOT.g;
  const a = y[4]!;
  const theta1 = y[0]!;
  const theta2 = y[1]!;
  const dtheta1 = y[2]!;
  const dtheta2 = y[3]!;
  const d1 =
    m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  // "book" (and Java implementation) form of the second joint's acceleration.
  const ddtheta2 =
    (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.sin(theta2) - phi2) /
    (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
  out[4] = 0.0;
}

/**
 * Advances the state (theta1, theta2, dtheta1, dtheta2; float64) by one rk4
 * step of length `dt` under `torque`, wrapping the angles and bounding the
 * speeds as Gymnasium does. Returns true when the tip is above the bar.
 */
export function acrobotStep(s: Float64Array, torque: number, dt: number): boolean {
  const augmented = Float64Array.of(s[0]!, s[1]!, s[2]!, s[3]!, torque);
  const ns = rk4(acrobotDerivatives, augmented, [0, dt]);
  s[0] = wrap(ns[0]!, -Math.PI, Math.PI);
  s[1] = wrap(ns[1]!, -Math.PI, Math.PI);
  s[2] = bound(ns[2]!, -ACROBOT.maxVel1, ACROBOT.maxVel1);
  s[3] = bound(ns[3]!, -ACROBOT.maxVel2, ACROBOT.maxVel2);
  return acrobotTerminal(s);
}

/** Gymnasium's AcrobotEnv._terminal: the free end is more than one link length above the pivot. */
export function acrobotTerminal(s: Float64Array): boolean {
  return -Math.cos(s[0]!) - Math.cos(s[1]! + s[0]!) > 1.0;
}
