/**
 * Forward kinematics and the positional Jacobian of a Franka Emika Panda, from
 * Franka's published modified (Craig) DH parameters: frame i is reached from
 * frame i-1 by RotX(alpha) TransX(a) RotZ(theta_i) TransZ(d).
 */

/** Joints of the arm. */
export const NUM_JOINTS = 7;

/** Franka's DH table, one row per joint then the flange: [a, d, alpha] in metres and radians. */
export const PANDA_DH: readonly (readonly [number, number, number])[] = [
  [0, 0.333, 0],
  [0, 0, -Math.PI / 2],
  [0, 0.316, Math.PI / 2],
  [0.0825, 0, Math.PI / 2],
  [-0.0825, 0.384, -Math.PI / 2],
  [0, 0, Math.PI / 2],
  [0.088, 0, Math.PI / 2],
];

/** Flange offset along joint 7's z axis plus the Franka Hand's TCP offset (0.107 + 0.1034 m). */
export const PANDA_TCP_OFFSET = 0.107 + 0.1034;

/** Franka's joint position limits (rad). */
export const PANDA_Q_MIN = Float64Array.of(
  -2.8973,
  -1.7628,
  -2.8973,
  -3.0718,
  -2.8973,
  -0.0175,
  -2.8973,
);
/** Franka's joint position limits (rad). */
export const PANDA_Q_MAX = Float64Array.of(2.8973, 1.7628, 2.8973, -0.0698, 2.8973, 3.7525, 2.8973);
/** Franka's joint velocity limits (rad/s). */
export const PANDA_QD_MAX = Float64Array.of(2.175, 2.175, 2.175, 2.175, 2.61, 2.61, 2.61);
/** The "ready" pose Franka ships: the hand above the table, pointing down. */
export const PANDA_HOME = Float64Array.of(
  0,
  -Math.PI / 4,
  0,
  (-3 * Math.PI) / 4,
  0,
  Math.PI / 2,
  Math.PI / 4,
);

/** Kinematic state computed by `forward`, in preallocated buffers (world frame = base frame). */
export interface PandaFrames {
  /** Origins of frames 1..7 then the TCP: 8 points, xyz each (24). */
  readonly origins: Float64Array;
  /** z axes (joint axes) of frames 1..7 (21). */
  readonly axes: Float64Array;
  /** Rotation (row-major 3x3) and position of the TCP frame. */
  readonly tcpRotation: Float64Array;
}

/** Allocates the buffers `forward` fills. */
export function createPandaFrames(): PandaFrames {
  return {
    origins: new Float64Array(3 * (NUM_JOINTS + 1)),
    axes: new Float64Array(3 * NUM_JOINTS),
    tcpRotation: new Float64Array(9),
  };
}

// Precomputed cos/sin of each row's alpha (exact 0/±1 for the Panda, no rounding noise).
const COS_ALPHA = PANDA_DH.map(([, , al]) => Math.round(Math.cos(al)));
const SIN_ALPHA = PANDA_DH.map(([, , al]) => Math.round(Math.sin(al)));

/** Fills `f` with the frames of joint angles `q` (7). No allocation: this runs every step. */
export function forwardKinematics(q: ArrayLike<number>, f: PandaFrames): void {
  // Running transform R (3x3 row-major) and p, from the base.
  let r00 = 1;
  let r01 = 0;
  let r02 = 0;
  let r10 = 0;
  let r11 = 1;
  let r12 = 0;
  let r20 = 0;
  let r21 = 0;
  let r22 = 1;
  let px = 0;
  let py = 0;
  let pz = 0;
  const { origins, axes } = f;
  for (let i = 0; i < NUM_JOINTS; i++) {
    const row = PANDA_DH[i]!;
    const a = row[0];
    const d = row[1];
    const ca = COS_ALPHA[i]!;
    const sa = SIN_ALPHA[i]!;
    const ct = Math.cos(q[i]!);
    const st = Math.sin(q[i]!);
    // Local transform: rows [ct, -st, 0, a], [st ca, ct ca, -sa, -d sa], [st sa, ct sa, ca, d ca].
    const l00 = ct;
    const l01 = -st;
    const l10 = st * ca;
    const l11 = ct * ca;
    const l12 = -sa;
    const l20 = st * sa;
    const l21 = ct * sa;
    const l22 = ca;
    const tx = a;
    const ty = -d * sa;
    const tz = d * ca;
    const nx = px + r00 * tx + r01 * ty + r02 * tz;
    const ny = py + r10 * tx + r11 * ty + r12 * tz;
    const nz = pz + r20 * tx + r21 * ty + r22 * tz;
    const n00 = r00 * l00 + r01 * l10 + r02 * l20;
    const n01 = r00 * l01 + r01 * l11 + r02 * l21;
    const n02 = r01 * l12 + r02 * l22;
    const n10 = r10 * l00 + r11 * l10 + r12 * l20;
    const n11 = r10 * l01 + r11 * l11 + r12 * l21;
    const n12 = r11 * l12 + r12 * l22;
    const n20 = r20 * l00 + r21 * l10 + r22 * l20;
    const n21 = r20 * l01 + r21 * l11 + r22 * l21;
    const n22 = r21 * l12 + r22 * l22;
    r00 = n00;
    r01 = n01;
    r02 = n02;
    r10 = n10;
    r11 = n11;
    r12 = n12;
    r20 = n20;
    r21 = n21;
    r22 = n22;
    px = nx;
    py = ny;
    pz = nz;
    origins[3 * i] = px;
    origins[3 * i + 1] = py;
    origins[3 * i + 2] = pz;
    axes[3 * i] = r02;
    axes[3 * i + 1] = r12;
    axes[3 * i + 2] = r22;
  }
  // The TCP sits PANDA_TCP_OFFSET along frame 7's z axis.
  const k = 3 * NUM_JOINTS;
  origins[k] = px + r02 * PANDA_TCP_OFFSET;
  origins[k + 1] = py + r12 * PANDA_TCP_OFFSET;
  origins[k + 2] = pz + r22 * PANDA_TCP_OFFSET;
  const t = f.tcpRotation;
  t[0] = r00;
  t[1] = r01;
  t[2] = r02;
  t[3] = r10;
  t[4] = r11;
  t[5] = r12;
  t[6] = r20;
  t[7] = r21;
  t[8] = r22;
}

/**
 * The TCP's positional Jacobian (3x7, row-major into `out`) from frames
 * `forward` computed: column i is axis_i x (p_tcp - origin_i) for revolute joints.
 */
export function positionJacobian(f: PandaFrames, out: Float64Array): void {
  const { origins, axes } = f;
  const k = 3 * NUM_JOINTS;
  const ex = origins[k]!;
  const ey = origins[k + 1]!;
  const ez = origins[k + 2]!;
  for (let i = 0; i < NUM_JOINTS; i++) {
    const zx = axes[3 * i]!;
    const zy = axes[3 * i + 1]!;
    const zz = axes[3 * i + 2]!;
    const dx = ex - origins[3 * i]!;
    const dy = ey - origins[3 * i + 1]!;
    const dz = ez - origins[3 * i + 2]!;
    out[i] = zy * dz - zz * dy;
    out[NUM_JOINTS + i] = zz * dx - zx * dz;
    out[2 * NUM_JOINTS + i] = zx * dy - zy * dx;
  }
}
