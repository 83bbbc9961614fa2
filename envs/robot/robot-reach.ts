import type { TypedArray } from "../core/dtype.js";
import type { Info } from "../core/env.js";
import type { SceneObjects } from "./robot-scene.js";
import { CONTROL_DT, RobotTaskEnv, type RobotTaskOptions } from "./robot-task-env.js";

/** Distance (m) from the target at which a reach succeeds (seed 002: 5 cm). */
export const REACH_SUCCESS_DISTANCE = 0.05;
/** Box the target is drawn from: in front of the robot, above the table. */
export const REACH_TARGET_LOW = [0.3, -0.3, 0.05] as const;
/** Upper corner of the target box. */
export const REACH_TARGET_HIGH = [0.65, 0.3, 0.45] as const;
/** Targets closer than this to the starting TCP are redrawn, so no episode starts solved. */
export const REACH_MIN_START_DISTANCE = 0.2;

/**
 * RobotReach-v0 (seed 002's reach): move the TCP of a 7-joint Panda to a
 * target. Reward is minus the distance; the episode terminates with
 * info["success"] once within 5 cm. Action (dx, dy, dz, gripper) in [-1, 1].
 */
export class RobotReachEnv extends RobotTaskEnv {
  constructor(opts: RobotTaskOptions) {
    super(opts, []);
  }

  protected resetTask(): void {
    const rng = this.npRandom;
    const t = this.target;
    // Bounded redraws; the fallback (the last draw) is still a valid target.
    for (let tries = 0; tries < 100; tries++) {
      for (let i = 0; i < 3; i++) t[i] = rng.uniform(REACH_TARGET_LOW[i]!, REACH_TARGET_HIGH[i]!);
      if (this.distance() >= REACH_MIN_START_DISTANCE) break;
    }
  }

  protected stepTask(action: TypedArray, info: Info): { reward: number; success: boolean } {
    // The gripper moves (it shows in the image) but plays no part in reaching.
    this.arm.moveGripper(Number(action[3]), CONTROL_DT, 0);
    const d = this.distance();
    info.distance = d;
    return { reward: -d, success: d < REACH_SUCCESS_DISTANCE };
  }

  protected writeTaskObservation(): void {}

  protected sceneObjects(): SceneObjects {
    const t = this.target;
    return { target: [t[0]!, t[1]!, t[2]!], targetRadius: 0.025 };
  }

  private distance(): number {
    const a = this.arm;
    const t = this.target;
    return Math.hypot(a.tcp(0) - t[0]!, a.tcp(1) - t[1]!, a.tcp(2) - t[2]!);
  }
}
