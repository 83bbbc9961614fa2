import type { TypedArray } from "../core/dtype.js";
import type { Info } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { GRIPPER_MAX_WIDTH } from "./robot-arm.js";
import type { SceneObjects } from "./robot-scene.js";
import {
  CONTROL_DT,
  POSITION_BOUND,
  RobotTaskEnv,
  type RobotTaskOptions,
} from "./robot-task-env.js";

/** Half the side of the cube to move (m): a 4 cm cube, which the 8 cm hand can hold. */
export const CUBE_HALF = 0.02;
/** Horizontal distance (m) of the resting cube from the goal for success (5 cm, as reaching). */
export const PLACE_SUCCESS_DISTANCE = 0.05;
/** How far (m) the TCP may be from the cube's centre, per axis, for a closing hand to catch it. */
export const GRASP_TOLERANCE = 0.02;
/** Region (x, y) where cube and goal are drawn. */
export const PLACE_REGION_LOW = [0.35, -0.25] as const;
/** Upper corner of the cube and goal region. */
export const PLACE_REGION_HIGH = [0.6, 0.25] as const;
/** Smallest distance between the cube's start and the goal, so no episode starts solved. */
export const PLACE_MIN_SEPARATION = 0.15;
const GRAVITY = 9.81;

/**
 * PickPlace-v0 (seed 002's pick_place): grasp a cube on the table, lift it and
 * set it down within 5 cm of a goal on the table. The hand catches the cube
 * when it closes with the cube between its fingers; opening releases it, and
 * a released cube drops to the table and slides v^2 / (2 mu g) along its
 * horizontal velocity (mu: the table friction, randomized per episode).
 * Reward: -(cube-goal distance) - 0.5 (TCP-cube distance while not held).
 */
export class PickPlaceEnv extends RobotTaskEnv {
  /** Centre of the cube. */
  readonly cube = new Float64Array(3);
  /** Whether the hand holds the cube. */
  grasped = false;

  constructor(opts: RobotTaskOptions) {
    super(opts, [
      ["object_pos", new Box(-POSITION_BOUND, POSITION_BOUND, [3], "float64")],
      // Finger opening (m) and whether the cube is held (0 or 1).
      ["gripper_state", new Box([0, 0], [GRIPPER_MAX_WIDTH, 1], [2], "float64")],
    ]);
  }

  protected resetTask(): void {
    const rng = this.npRandom;
    const c = this.cube;
    const g = this.target;
    c[0] = rng.uniform(PLACE_REGION_LOW[0], PLACE_REGION_HIGH[0]);
    c[1] = rng.uniform(PLACE_REGION_LOW[1], PLACE_REGION_HIGH[1]);
    c[2] = CUBE_HALF;
    for (let tries = 0; tries < 100; tries++) {
      g[0] = rng.uniform(PLACE_REGION_LOW[0], PLACE_REGION_HIGH[0]);
      g[1] = rng.uniform(PLACE_REGION_LOW[1], PLACE_REGION_HIGH[1]);
      if (Math.hypot(g[0] - c[0], g[1] - c[1]) >= PLACE_MIN_SEPARATION) break;
    }
    g[2] = CUBE_HALF;
    this.grasped = false;
  }

  protected stepTask(action: TypedArray, info: Info): { reward: number; success: boolean } {
    const arm = this.arm;
    const c = this.cube;
    const command = Number(action[3]);
    const tx = arm.tcp(0);
    const ty = arm.tcp(1);
    const tz = arm.tcp(2);
    if (this.grasped) {
      if (command <= 0) this.release(tx, ty, (tx - c[0]!) / CONTROL_DT, (ty - c[1]!) / CONTROL_DT);
      else {
        c[0] = tx;
        c[1] = ty;
        c[2] = Math.max(CUBE_HALF, tz); // the held cube rests on the table at the lowest
      }
      arm.moveGripper(command, CONTROL_DT, 2 * CUBE_HALF);
    } else {
      const between =
        Math.abs(tx - c[0]!) <= GRASP_TOLERANCE &&
        Math.abs(ty - c[1]!) <= GRASP_TOLERANCE &&
        Math.abs(tz - c[2]!) <= GRASP_TOLERANCE;
      // Fingers already narrower than the cube cannot close around it.
      const open = arm.gripperWidth >= 2 * CUBE_HALF;
      arm.moveGripper(command, CONTROL_DT, between && open ? 2 * CUBE_HALF : 0);
      if (between && open && command > 0 && arm.gripperWidth === 2 * CUBE_HALF) {
        this.grasped = true;
      }
    }
    const dx = c[0]! - this.target[0]!;
    const dy = c[1]! - this.target[1]!;
    const placeDist = Math.hypot(dx, dy, c[2]! - this.target[2]!);
    const reach = this.grasped ? 0 : Math.hypot(tx - c[0]!, ty - c[1]!, tz - c[2]!);
    const success =
      !this.grasped && c[2] === CUBE_HALF && Math.hypot(dx, dy) < PLACE_SUCCESS_DISTANCE;
    info.grasped = this.grasped;
    info.distance = placeDist;
    return { reward: -placeDist - 0.5 * reach, success };
  }

  // The cube drops onto the table under the hand and slides until friction stops it.
  private release(x: number, y: number, vx: number, vy: number): void {
    const c = this.cube;
    const v = Math.hypot(vx, vy);
    const slide = v > 0 ? (v * v) / (2 * this.scene.friction * GRAVITY) : 0;
    c[0] = v > 0 ? x + (vx / v) * slide : x;
    c[1] = v > 0 ? y + (vy / v) * slide : y;
    c[2] = CUBE_HALF;
    this.grasped = false;
  }

  protected writeTaskObservation(): void {
    (this.obs.object_pos as Float64Array).set(this.cube);
    const g = this.obs.gripper_state as Float64Array;
    g[0] = this.arm.gripperWidth;
    g[1] = this.grasped ? 1 : 0;
  }

  protected sceneObjects(): SceneObjects {
    const c = this.cube;
    const t = this.target;
    return {
      object: { center: [c[0]!, c[1]!, c[2]!], half: CUBE_HALF },
      target: [t[0]!, t[1]!, 0.005],
      targetRadius: 0.03,
    };
  }
}
