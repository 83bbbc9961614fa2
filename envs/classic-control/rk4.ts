/** Derivative of an ODE system: writes dy/dt at `y` into `out`. */
export type Derivatives = (y: Float64Array, out: Float64Array) => void;

/**
 * Gymnasium's classic_control rk4: integrates y' = derivs(y) from y0 over the
 * sample times `t` with 4th-order Runge-Kutta, returning the state at the last
 * time. Elementwise operations keep numpy's order so results match it.
 */
export function rk4(derivs: Derivatives, y0: Float64Array, t: readonly number[]): Float64Array {
  const n = y0.length;
  let y = Float64Array.from(y0);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const yi = new Float64Array(n);
  for (let i = 0; i < t.length - 1; i++) {
    const dt = t[i + 1]! - t[i]!;
    const dt2 = dt / 2.0;
    derivs(y, k1);
    for (let j = 0; j < n; j++) yi[j] = y[j]! + dt2 * k1[j]!;
    derivs(yi, k2);
    for (let j = 0; j < n; j++) yi[j] = y[j]! + dt2 * k2[j]!;
    derivs(yi, k3);
    for (let j = 0; j < n; j++) yi[j] = y[j]! + dt * k3[j]!;
    derivs(yi, k4);
    const next = new Float64Array(n);
    const dt6 = dt / 6.0;
    for (let j = 0; j < n; j++) {
      next[j] = y[j]! + dt6 * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
    }
    y = next;
  }
  return y;
}
