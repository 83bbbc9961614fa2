import { describe, expect, it } from "vitest";
import {
  createPandaFrames,
  forwardKinematics,
  NUM_JOINTS,
  PANDA_HOME,
  PANDA_Q_MAX,
  PANDA_Q_MIN,
  positionJacobian,
} from "../../envs/robot/panda-kinematics.js";
import { RobotArm } from "../../envs/robot/robot-arm.js";

const tcpOf = (q: ArrayLike<number>): number[] => {
  const f = createPandaFrames();
  forwardKinematics(q, f);
  return Array.from(f.origins.subarray(3 * NUM_JOINTS));
};

describe("Panda kinematics", () => {
  it("puts the hand where Franka documents it in the ready pose, pointing down", () => {
    // libfranka's O_T_EE in the ready pose: (0.307, 0, 0.487) with the hand's z axis down.
    const [x, y, z] = tcpOf(PANDA_HOME);
    expect(x).toBeCloseTo(0.3069, 3);
    expect(y).toBeCloseTo(0, 9);
    expect(z).toBeCloseTo(0.4869, 3);
    const f = createPandaFrames();
    forwardKinematics(PANDA_HOME, f);
    expect(f.tcpRotation[8]).toBeCloseTo(-1, 9);
  });

  it("reaches 0.333 + 0.316 + 0.384 + 0.107 + 0.1034 m straight up at q = 0", () => {
    // At zero angles the 0.0825 and 0.088 offsets fold the links; z is the sum of the d's.
    const [, , z] = tcpOf(new Float64Array(7));
    expect(z).toBeCloseTo(0.333 + 0.316 + 0.384 - 0.107 - 0.1034, 6);
  });

  it("has the Jacobian of finite differences of forward kinematics", () => {
    const q = Float64Array.of(0.3, -0.5, 0.2, -2.0, 0.4, 1.8, -0.3);
    const f = createPandaFrames();
    forwardKinematics(q, f);
    const j = new Float64Array(21);
    positionJacobian(f, j);
    const e = 1e-6;
    for (let i = 0; i < 7; i++) {
      const qp = Float64Array.from(q);
      const qm = Float64Array.from(q);
      qp[i]! += e;
      qm[i]! -= e;
      const p = tcpOf(qp);
      const m = tcpOf(qm);
      for (let r = 0; r < 3; r++) expect(j[r * 7 + i]).toBeCloseTo((p[r]! - m[r]!) / (2 * e), 6);
    }
  });
});

describe("RobotArm (damped-least-squares IK)", () => {
  it("moves the hand at the commanded velocity away from singularities", () => {
    const arm = new RobotArm();
    arm.setJoints(PANDA_HOME);
    const start = [arm.tcp(0), arm.tcp(1), arm.tcp(2)];
    const v = [0.1, -0.05, -0.08];
    for (let k = 0; k < 20; k++) arm.moveTcp(v[0]!, v[1]!, v[2]!, 0.01);
    // 0.2 s at v: the same direction; DLS damping costs a few percent of the speed.
    const moved = [0, 1, 2].map((a) => arm.tcp(a) - start[a]!);
    const dot = moved.reduce((s, m, a) => s + m * v[a]! * 0.2, 0);
    const norm = Math.hypot(...moved);
    const want = 0.2 * Math.hypot(...v);
    expect(dot / (norm * want)).toBeGreaterThan(0.999);
    expect(norm / want).toBeGreaterThan(0.93);
    expect(norm / want).toBeLessThanOrEqual(1);
  });

  it("stays within joint position limits when pushed far out of reach", () => {
    const arm = new RobotArm();
    arm.setJoints(PANDA_HOME);
    for (let k = 0; k < 400; k++) arm.moveTcp(1, 0.5, 1, 0.05);
    for (let i = 0; i < 7; i++) {
      expect(arm.q[i]).toBeGreaterThanOrEqual(PANDA_Q_MIN[i]!);
      expect(arm.q[i]).toBeLessThanOrEqual(PANDA_Q_MAX[i]!);
    }
    // Out of reach: the hand is at most the arm's length from the shoulder.
    const d = Math.hypot(arm.tcp(0), arm.tcp(1), arm.tcp(2) - 0.333);
    expect(d).toBeLessThan(1.2);
    expect(d).toBeGreaterThan(0.9);
  });

  it("closes the gripper down to a given width and opens it fully", () => {
    const arm = new RobotArm();
    arm.setJoints(PANDA_HOME);
    for (let k = 0; k < 20; k++) arm.moveGripper(1, 0.05, 0.04);
    expect(arm.gripperWidth).toBe(0.04);
    for (let k = 0; k < 20; k++) arm.moveGripper(-1, 0.05, 0);
    expect(arm.gripperWidth).toBe(0.08);
  });
});
