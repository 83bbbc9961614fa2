import { createDlsScratch, dlsJointVelocities } from "./dls-ik.js";
import {
  createPandaFrames,
  forwardKinematics,
  NUM_JOINTS,
  PANDA_HOME,
  PANDA_Q_MAX,
  PANDA_Q_MIN,
  PANDA_QD_MAX,
  type PandaFrames,
  positionJacobian,
} from "./panda-kinematics.js";

/** Widest opening of the Franka Hand's fingers (m). */
export const GRIPPER_MAX_WIDTH = 0.08;
/** Finger speed (m/s): a full stroke takes 0.4 s. */
export const GRIPPER_SPEED = 0.2;
/** IK damping (m): large enough to keep joint speeds sane near singular poses. */
export const IK_DAMPING = 0.05;
/** Gain (1/s) of the null-space pull toward the home posture, which keeps the hand pointing down. */
export const POSTURE_GAIN = 2.0;

/**
 * A kinematic Panda: joint state, gripper opening, and TCP velocity control
 * through damped-least-squares IK with joint position and velocity limits.
 * Every buffer is allocated once; a control step allocates nothing.
 */
export class RobotArm {
  /** Joint angles (rad). */
  readonly q = new Float64Array(NUM_JOINTS);
  /** Joint velocities of the last control step (rad/s). */
  readonly qd = new Float64Array(NUM_JOINTS);
  /** Kinematic frames of `q`, kept current. */
  readonly frames: PandaFrames = createPandaFrames();
  /** Finger opening (m), 0..GRIPPER_MAX_WIDTH. */
  gripperWidth = GRIPPER_MAX_WIDTH;
  private readonly jac = new Float64Array(3 * NUM_JOINTS);
  private readonly posture = new Float64Array(NUM_JOINTS);
  private readonly scratch = createDlsScratch();

  /** Puts the arm at joint angles `q` (clamped into the limits), at rest, gripper open. */
  setJoints(q: ArrayLike<number>): void {
    for (let i = 0; i < NUM_JOINTS; i++) {
      this.q[i] = Math.min(PANDA_Q_MAX[i]!, Math.max(PANDA_Q_MIN[i]!, q[i]!));
      this.qd[i] = 0;
    }
    this.gripperWidth = GRIPPER_MAX_WIDTH;
    forwardKinematics(this.q, this.frames);
  }

  /** TCP x, y or z (axis 0..2). */
  tcp(axis: number): number {
    return this.frames.origins[3 * NUM_JOINTS + axis]!;
  }

  /**
   * One control step of `dt` seconds: joint velocities from the TCP velocity
   * (vx, vy, vz) by DLS IK, scaled down together to respect the velocity
   * limits (so the TCP keeps its direction), integrated, and stopped at the
   * joint limits.
   */
  moveTcp(vx: number, vy: number, vz: number, dt: number): void {
    const { q, qd, posture } = this;
    positionJacobian(this.frames, this.jac);
    for (let i = 0; i < NUM_JOINTS; i++) posture[i] = POSTURE_GAIN * (PANDA_HOME[i]! - q[i]!);
    dlsJointVelocities(this.jac, vx, vy, vz, IK_DAMPING, posture, this.scratch, qd);
    let scale = 1;
    for (let i = 0; i < NUM_JOINTS; i++) {
      const r = Math.abs(qd[i]!) / PANDA_QD_MAX[i]!;
      if (r > scale) scale = r;
    }
    for (let i = 0; i < NUM_JOINTS; i++) {
      const next = q[i]! + (qd[i]! / scale) * dt;
      const clamped = Math.min(PANDA_Q_MAX[i]!, Math.max(PANDA_Q_MIN[i]!, next));
      // Rounding can put (clamped - q) / dt an ulp past the limit: clamp into the observation bounds.
      qd[i] = Math.min(PANDA_QD_MAX[i]!, Math.max(-PANDA_QD_MAX[i]!, (clamped - q[i]!) / dt));
      q[i] = clamped;
    }
    forwardKinematics(q, this.frames);
  }

  /** Moves the fingers toward open (command <= 0) or closed (> 0), stopping at `minWidth`. */
  moveGripper(command: number, dt: number, minWidth: number): void {
    const step = GRIPPER_SPEED * dt;
    if (command > 0) this.gripperWidth = Math.max(minWidth, this.gripperWidth - step);
    else this.gripperWidth = Math.min(GRIPPER_MAX_WIDTH, this.gripperWidth + step);
  }
}
