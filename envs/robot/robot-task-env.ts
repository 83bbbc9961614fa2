import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { Info, RenderFrame, ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { Dict, type DictSpaceValue } from "../core/spaces/dict.js";
import type { Space } from "../core/spaces/space.js";
import { DEFAULT_LIGHT_DIR, type SceneParams, sampleSceneParams } from "./domain-randomization.js";
import {
  NUM_JOINTS,
  PANDA_HOME,
  PANDA_Q_MAX,
  PANDA_Q_MIN,
  PANDA_QD_MAX,
} from "./panda-kinematics.js";
import { RobotArm } from "./robot-arm.js";
import type { SceneObjects } from "./robot-scene.js";
import { buildRobotScene } from "./robot-scene.js";
import { createSceneRenderer, type SceneRenderer } from "./scene-renderer.js";

/** Control period (s): the env runs at 20 Hz. */
export const CONTROL_DT = 0.05;
/** TCP speed (m/s) of a unit action component. */
export const MAX_TCP_SPEED = 0.5;
/** Lowest TCP height (m) commanded: the fingertips stop just above the table top. */
export const TCP_MIN_Z = 0.01;
/** Half-range (rad) of the uniform noise added to the home pose at reset. */
export const HOME_NOISE = 0.1;
/** Frame size of render() when the observation has no camera image. */
export const DEFAULT_RENDER_SIZE = 128;
/** Bound of position entries (m): beyond the arm's reach (about 1.2 m from the shoulder). */
export const POSITION_BOUND = 1.6;

/** Settings shared by the robot envs. */
export interface RobotTaskOptions {
  /** Draw light direction and friction per reset (seed 002's domain randomization). */
  readonly randomize: boolean;
  /** Nominal sliding friction coefficient of the table. */
  readonly friction: number;
  /** Camera image size in the observation; 0 x 0 for none. */
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly renderMode?: string | undefined;
}

const positionBox = (): Box => new Box(-POSITION_BOUND, POSITION_BOUND, [3], "float64");

/**
 * Common machinery of RobotReach-v0 and PickPlace-v0: the kinematic arm, the
 * Dict observation (float64 vectors, optional uint8 camera image) in
 * preallocated buffers reused from step to step, the per-reset scene
 * parameters, and the camera.
 */
export abstract class RobotTaskEnv extends BaseEnv<DictSpaceValue, TypedArray> {
  override readonly metadata = { renderModes: ["rgb_array"], renderFps: 1 / CONTROL_DT };
  readonly observationSpace: Dict;
  readonly actionSpace = new Box(-1, 1, [4], "float32");
  readonly arm = new RobotArm();
  /** Target (reach) or goal (pick-and-place) position. */
  readonly target = new Float64Array(3);
  /** Scene parameters of the current episode. */
  scene: SceneParams;
  protected readonly obs: Record<string, TypedArray>;
  private readonly image: Uint8Array | undefined;
  private camera: SceneRenderer | undefined;

  constructor(
    readonly opts: RobotTaskOptions,
    extraSpaces: readonly (readonly [string, Space])[],
  ) {
    super();
    this.renderMode = opts.renderMode;
    this.scene = { lightDir: DEFAULT_LIGHT_DIR, friction: opts.friction };
    const entries: (readonly [string, Space])[] = [
      ["ee_pos", positionBox()],
      ["joint_pos", new Box(PANDA_Q_MIN, PANDA_Q_MAX, [NUM_JOINTS], "float64")],
      [
        "joint_vel",
        new Box(
          PANDA_QD_MAX.map((v) => -v),
          PANDA_QD_MAX,
          [NUM_JOINTS],
          "float64",
        ),
      ],
      ["target_pos", positionBox()],
      ...extraSpaces,
    ];
    if (opts.imageWidth > 0) {
      entries.push(["image", new Box(0, 255, [opts.imageHeight, opts.imageWidth, 3], "uint8")]);
    }
    // Gymnasium sorts a Dict's keys; so do we, for the same flattening order.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.observationSpace = Dict.of(entries);
    this.obs = {};
    for (const [k, s] of entries) {
      this.obs[k] =
        k === "image"
          ? new Uint8Array(s.shape!.reduce((a, b) => a * b, 1))
          : new Float64Array(s.shape![0]!);
    }
    this.image = this.obs.image as Uint8Array | undefined;
  }

  /** Places the task's objects and target for a new episode (the arm is already at its start pose). */
  protected abstract resetTask(): void;
  /** Applies one action after the arm moved: the reward and whether the task is solved; adds the task's entries to `info`. */
  protected abstract stepTask(action: TypedArray, info: Info): { reward: number; success: boolean };
  /** Writes the task's own observation entries. */
  protected abstract writeTaskObservation(): void;
  /** The non-arm objects to draw. */
  protected abstract sceneObjects(): SceneObjects;

  reset(args: ResetArgs = {}): ResetResult<DictSpaceValue> {
    this.seedRng(args.seed);
    const rng = this.npRandom;
    const q = new Float64Array(NUM_JOINTS);
    for (let i = 0; i < NUM_JOINTS; i++)
      q[i] = PANDA_HOME[i]! + rng.uniform(-HOME_NOISE, HOME_NOISE);
    this.arm.setJoints(q);
    this.resetTask();
    this.scene = sampleSceneParams(rng, this.opts.randomize, this.opts.friction);
    return {
      observation: this.observe(),
      info: { light_dir: [...this.scene.lightDir], friction: this.scene.friction },
    };
  }

  step(action: TypedArray): StepResult<DictSpaceValue> {
    const arm = this.arm;
    const s = MAX_TCP_SPEED;
    const vx = Number(action[0]) * s;
    const vy = Number(action[1]) * s;
    let vz = Number(action[2]) * s;
    // Keep the fingertips above the table: never command the TCP below TCP_MIN_Z.
    const z = arm.tcp(2);
    if (z + vz * CONTROL_DT < TCP_MIN_Z) vz = Math.min(0, (TCP_MIN_Z - z) / CONTROL_DT);
    arm.moveTcp(vx, vy, vz, CONTROL_DT);
    // A fresh info per step: recorders may keep it (a few fields, cheap next to the kinematics).
    const info: Info = { success: false };
    const { reward, success } = this.stepTask(action, info);
    info.success = success;
    return {
      observation: this.observe(),
      reward,
      terminated: success,
      truncated: false,
      info,
    };
  }

  override render(): RenderFrame | undefined {
    if (this.renderMode !== "rgb_array") return undefined;
    const w = this.opts.imageWidth || DEFAULT_RENDER_SIZE;
    const h = this.opts.imageHeight || DEFAULT_RENDER_SIZE;
    // The observation's image is already this frame; otherwise draw one.
    const data = this.image ? this.image.slice() : this.draw(w, h, new Uint8Array(w * h * 3));
    return { shape: [h, w, 3], data };
  }

  private draw(w: number, h: number, out: Uint8Array): Uint8Array {
    if (!this.camera || this.camera.width !== w || this.camera.height !== h) {
      this.camera = createSceneRenderer(w, h);
    }
    return this.camera.render(
      buildRobotScene(this.arm, this.sceneObjects(), this.scene.lightDir),
      out,
    );
  }

  private observe(): DictSpaceValue {
    const { obs, arm } = this;
    const o = arm.frames.origins;
    const ee = obs.ee_pos as Float64Array;
    ee[0] = o[3 * NUM_JOINTS]!;
    ee[1] = o[3 * NUM_JOINTS + 1]!;
    ee[2] = o[3 * NUM_JOINTS + 2]!;
    (obs.joint_pos as Float64Array).set(arm.q);
    (obs.joint_vel as Float64Array).set(arm.qd);
    (obs.target_pos as Float64Array).set(this.target);
    this.writeTaskObservation();
    if (this.image) this.draw(this.opts.imageWidth, this.opts.imageHeight, this.image);
    return obs;
  }
}
