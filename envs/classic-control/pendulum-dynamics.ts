/** Physical constants of Gymnasium's PendulumEnv (g is a setting). */
export const PENDULUM = {
  maxSpeed: 8,
  maxTorque: 2.0,
  dt: 0.05,
  m: 1.0,
  l: 1.0,
} as const;

/** Gymnasium's angle_normalize: wraps x into [-pi, pi) with Python's floored modulo. */
export function angleNormalize(x: number): number {
  const period = 2 * Math.PI;
  // JS % truncates; numpy's % takes the divisor's sign, so shift negative remainders up.
  let r = (x + Math.PI) % period;
  if (r < 0) r += period;
  return r - Math.PI;
}

/**
 * Advances the state (theta, theta_dot; float64) by one step under the torque
 * `action` (a float32 value) with gravity `g`, in Gymnasium's order of
 * operations and numpy's float32 casts. Returns the reward (minus the cost).
 */
export function pendulumStep(s: Float64Array, g: number, action: number): number {
  const p = PENDULUM;
  const th = s[0]!;
  const thdot = s[1]!;
  // np.clip of the float32 action stays float32, so every product with u below is float32 math.
  const u = Math.fround(Math.min(Math.max(action, -p.maxTorque), p.maxTorque));
  const an = angleNormalize(th);
  // 0.001 * (u ** 2) is float32 arithmetic in numpy; the angle and speed terms are float64.
  const torqueCost = Math.fround(Math.fround(0.001) * Math.fround(u * u));
  const costs = an * an + 0.1 * (thdot * thdot) + torqueCost;
  const uTerm = Math.fround((3.0 / (p.m * (p.l * p.l))) * u);
  let newthdot = thdot + (((3 * g) / (2 * p.l)) * Math.sin(th) + uTerm) * p.dt;
  newthdot = Math.min(Math.max(newthdot, -p.maxSpeed), p.maxSpeed);
  s[0] = th + newthdot * p.dt;
  s[1] = newthdot;
  return -costs;
}
