import { NUM_JOINTS } from "./panda-kinematics.js";

/** Scratch buffers of `dlsJointVelocities`, allocated once per arm. */
export interface DlsScratch {
  /** (J J^T + lambda^2 I)^-1 (3x3). */
  readonly inv: Float64Array;
  /** J^+ v and the null-space term (7 each). */
  readonly y: Float64Array;
}

/** Allocates the scratch buffers of `dlsJointVelocities`. */
export function createDlsScratch(): DlsScratch {
  return { inv: new Float64Array(9), y: new Float64Array(NUM_JOINTS) };
}

// out = J^+ w with J^+ = J^T (J J^T + lambda^2 I)^-1 given that inverse.
function pinvTimes(
  j: Float64Array,
  inv: Float64Array,
  wx: number,
  wy: number,
  wz: number,
  out: Float64Array,
): void {
  const ux = inv[0]! * wx + inv[1]! * wy + inv[2]! * wz;
  const uy = inv[3]! * wx + inv[4]! * wy + inv[5]! * wz;
  const uz = inv[6]! * wx + inv[7]! * wy + inv[8]! * wz;
  for (let i = 0; i < NUM_JOINTS; i++) {
    out[i] = j[i]! * ux + j[NUM_JOINTS + i]! * uy + j[2 * NUM_JOINTS + i]! * uz;
  }
}

/**
 * Damped-least-squares inverse kinematics: the joint velocities that move the
 * TCP at velocity v, qd = J^+ v + (I - J^+ J) y with J^+ = J^T (J J^T + lambda^2 I)^-1.
 * The damping keeps qd bounded near singularities; y (a pull toward a rest
 * posture) acts only in the null space, so it does not disturb the TCP.
 * `j` is the 3x7 positional Jacobian (row-major); writes `out` (7).
 */
export function dlsJointVelocities(
  j: Float64Array,
  vx: number,
  vy: number,
  vz: number,
  lambda: number,
  posture: Float64Array,
  s: DlsScratch,
  out: Float64Array,
): void {
  // A = J J^T + lambda^2 I, symmetric 3x3.
  let a00 = lambda * lambda;
  let a01 = 0;
  let a02 = 0;
  let a11 = a00;
  let a12 = 0;
  let a22 = a00;
  for (let i = 0; i < NUM_JOINTS; i++) {
    const x = j[i]!;
    const y = j[NUM_JOINTS + i]!;
    const z = j[2 * NUM_JOINTS + i]!;
    a00 += x * x;
    a01 += x * y;
    a02 += x * z;
    a11 += y * y;
    a12 += y * z;
    a22 += z * z;
  }
  const c00 = a11 * a22 - a12 * a12;
  const c01 = a02 * a12 - a01 * a22;
  const c02 = a01 * a12 - a02 * a11;
  const c11 = a00 * a22 - a02 * a02;
  const c12 = a01 * a02 - a00 * a12;
  const c22 = a00 * a11 - a01 * a01;
  const det = a00 * c00 + a01 * c01 + a02 * c02;
  const inv = s.inv;
  inv[0] = c00 / det;
  inv[1] = inv[3] = c01 / det;
  inv[2] = inv[6] = c02 / det;
  inv[4] = c11 / det;
  inv[5] = inv[7] = c12 / det;
  inv[8] = c22 / det;
  pinvTimes(j, inv, vx, vy, vz, out);
  // Null-space projection of the posture pull: y - J^+ (J y).
  let wx = 0;
  let wy = 0;
  let wz = 0;
  for (let i = 0; i < NUM_JOINTS; i++) {
    const p = posture[i]!;
    wx += j[i]! * p;
    wy += j[NUM_JOINTS + i]! * p;
    wz += j[2 * NUM_JOINTS + i]! * p;
  }
  const y = s.y;
  pinvTimes(j, inv, wx, wy, wz, y);
  for (let i = 0; i < NUM_JOINTS; i++) out[i] = out[i]! + posture[i]! - y[i]!;
}
