/** Physical constants of Gymnasium's CartPoleEnv. */
export const CARTPOLE = {
  gravity: 9.8,
  masscart: 1.0,
  masspole: 0.1,
  totalMass: 0.1 + 1.0,
  length: 0.5,
  polemassLength: 0.1 * 0.5,
  forceMag: 10.0,
  tau: 0.02,
  thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
} as const;

/**
 * Advances the state at s[o..o+3] (x, x_dot, theta, theta_dot; float64) by one
 * Euler step under `action` (0 pushes left, 1 right), in Gymnasium's order of
 * operations so results match it bit for bit. Returns true when terminated.
 */
export function cartPoleStep(s: Float64Array, o: number, action: number): boolean {
  const c = CARTPOLE;
  const x = s[o]!;
  const xDot = s[o + 1]!;
  const theta = s[o + 2]!;
  const thetaDot = s[o + 3]!;
  const force = action === 1 ? c.forceMag : -c.forceMag;
  const costheta = Math.cos(theta);
  const sintheta = Math.sin(theta);
  const temp = (force + c.polemassLength * (thetaDot * thetaDot) * sintheta) / c.totalMass;
  const thetaacc =
    (c.gravity * sintheta - costheta * temp) /
    (c.length * (4.0 / 3.0 - (c.masspole * (costheta * costheta)) / c.totalMass));
  const xacc = temp - (c.polemassLength * thetaacc * costheta) / c.totalMass;
  const nx = x + c.tau * xDot;
  const ntheta = theta + c.tau * thetaDot;
  s[o] = nx;
  s[o + 1] = xDot + c.tau * xacc;
  s[o + 2] = ntheta;
  s[o + 3] = thetaDot + c.tau * thetaacc;
  return (
    nx < -c.xThreshold ||
    nx > c.xThreshold ||
    ntheta < -c.thetaThresholdRadians ||
    ntheta > c.thetaThresholdRadians
  );
}

/** CartPole's reward for a step, given termination and steps since termination (-1: none yet). */
export function cartPoleReward(
  terminated: boolean,
  stepsBeyondTerminated: number,
  suttonBarto: boolean,
): number {
  if (!terminated) return suttonBarto ? 0.0 : 1.0;
  if (stepsBeyondTerminated < 0) return suttonBarto ? -1.0 : 1.0;
  return suttonBarto ? -1.0 : 0.0;
}
