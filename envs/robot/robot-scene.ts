import { NUM_JOINTS } from "./panda-kinematics.js";
import type { RobotArm } from "./robot-arm.js";
import type { Camera, RenderScene, Rgb, Vec3 } from "./scene-renderer.js";

/** The table top (z = 0) and its slab, in the base frame: the robot stands near its back edge. */
export const TABLE_MIN: Vec3 = [-0.3, -0.6, -0.05];
/** Opposite corner of the table slab. */
export const TABLE_MAX: Vec3 = [0.95, 0.6, 0];

/** The fixed camera: in front of and to the side of the robot, looking at the workspace. */
export const CAMERA: Camera = {
  eye: [1.55, 0.85, 1.15],
  target: [0.3, 0, 0.25],
  up: [0, 0, 1],
  fovYDeg: 45,
};

const ARM_COLOR: Rgb = [225, 225, 230];
const JOINT_COLOR: Rgb = [70, 70, 80];
const FINGER_COLOR: Rgb = [40, 40, 45];
const TABLE_COLOR: Rgb = [160, 125, 90];
const OBJECT_COLOR: Rgb = [210, 40, 40];
const TARGET_COLOR: Rgb = [40, 190, 70];
const BACKGROUND: Rgb = [30, 35, 45];

/** Finger length below the TCP's hand body (m) and the hand's half-depth above the TCP. */
const FINGER_LENGTH = 0.05;

/** What to draw besides the arm. */
export interface SceneObjects {
  /** Centre and half-size of the cube to pick, if any. */
  readonly object?: { readonly center: Vec3; readonly half: number };
  /** Target marker (a sphere) centre and radius. */
  readonly target: Vec3;
  readonly targetRadius: number;
}

const add = (p: Vec3, d: Vec3, s: number): Vec3 => [
  p[0] + d[0] * s,
  p[1] + d[1] * s,
  p[2] + d[2] * s,
];

/** The render scene of the arm, table, object and target under light `lightDir`. */
export function buildRobotScene(arm: RobotArm, objs: SceneObjects, lightDir: Vec3): RenderScene {
  const o = arm.frames.origins;
  const pt = (i: number): Vec3 => [o[3 * i]!, o[3 * i + 1]!, o[3 * i + 2]!];
  const capsules: { a: Vec3; b: Vec3; radius: number; color: Rgb }[] = [
    { a: [0, 0, 0], b: pt(0), radius: 0.07, color: ARM_COLOR },
  ];
  for (let i = 0; i < NUM_JOINTS - 1; i++) {
    // Frames 2/1 and 6/5 share origins in the Panda's DH table: skip zero-length links.
    const a = pt(i);
    const b = pt(i + 1);
    if (Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) < 1e-6) continue;
    capsules.push({ a, b, radius: i < 3 ? 0.06 : 0.05, color: i % 2 ? JOINT_COLOR : ARM_COLOR });
  }
  const r = arm.frames.tcpRotation;
  const z: Vec3 = [r[2]!, r[5]!, r[8]!];
  const tcp = pt(NUM_JOINTS);
  // The Franka Hand is turned -45 degrees about the flange's z axis: fingers open along x + y.
  const s = Math.SQRT1_2;
  const across: Vec3 = [(r[0]! + r[1]!) * s, (r[3]! + r[4]!) * s, (r[6]! + r[7]!) * s];
  const palm = add(tcp, z, -FINGER_LENGTH);
  capsules.push({ a: pt(NUM_JOINTS - 1), b: palm, radius: 0.04, color: ARM_COLOR });
  capsules.push({
    a: add(palm, across, -0.1),
    b: add(palm, across, 0.1),
    radius: 0.02,
    color: ARM_COLOR,
  });
  const w = arm.gripperWidth / 2 + 0.008;
  for (const side of [-w, w]) {
    capsules.push({
      a: add(palm, across, side),
      b: add(tcp, across, side),
      radius: 0.008,
      color: FINGER_COLOR,
    });
  }
  const boxes: { min: Vec3; max: Vec3; color: Rgb }[] = [
    { min: TABLE_MIN, max: TABLE_MAX, color: TABLE_COLOR },
  ];
  if (objs.object) {
    const { center: c, half: h } = objs.object;
    boxes.push({
      min: [c[0] - h, c[1] - h, c[2] - h],
      max: [c[0] + h, c[1] + h, c[2] + h],
      color: OBJECT_COLOR,
    });
  }
  return {
    camera: CAMERA,
    lightDir,
    capsules,
    spheres: [{ center: objs.target, radius: objs.targetRadius, color: TARGET_COLOR }],
    boxes,
    background: BACKGROUND,
  };
}
