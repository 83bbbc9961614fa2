import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { Discrete } from "../core/spaces/discrete.js";
import { checkAction } from "../core/wrappers/action-checker.js";
import { ACROBOT, acrobotStep } from "./acrobot-dynamics.js";
import { parseResetBounds } from "./reset-bounds.js";

/** Acrobot-v1's observation bounds: cos/sin of both angles, then the speed limits (float32). */
export const ACROBOT_HIGH = [1.0, 1.0, 1.0, 1.0, ACROBOT.maxVel1, ACROBOT.maxVel2];

/** Settings of Acrobot-v1. */
export interface AcrobotOptions {
  /** Uniform noise added to the torque, in [-torqueNoiseMax, torqueNoiseMax] (default 0: none). */
  readonly torqueNoiseMax?: number;
}

/** Gymnasium's Acrobot-v1: swing the tip of a two-link chain above the bar by torquing the joint. */
export class AcrobotEnv extends BaseEnv<TypedArray, number> {
  readonly observationSpace = new Box(
    ACROBOT_HIGH.map((h) => -h),
    ACROBOT_HIGH,
    [6],
    "float32",
  );
  readonly actionSpace = new Discrete(3);
  /** Physical state (theta1, theta2, dtheta1, dtheta2) in float64, as Gymnasium keeps it after a step. */
  readonly state = new Float64Array(4);
  /** Integration timestep in seconds; settable, as Gymnasium's env.unwrapped.dt. */
  dt: number = ACROBOT.dt;
  /** Half-width of the uniform torque noise. */
  readonly torqueNoiseMax: number;

  constructor(opts: AcrobotOptions = {}) {
    super();
    this.torqueNoiseMax = opts.torqueNoiseMax ?? 0.0;
  }

  /** Samples all four state variables in [low, high) (options low, high), rounded to float32 as Gymnasium does. */
  reset(args: ResetArgs = {}): ResetResult<TypedArray> {
    this.seedRng(args.seed);
    const { low, high } = parseResetBounds(args.options, -0.1, 0.1);
    for (let i = 0; i < 4; i++) this.state[i] = Math.fround(this.npRandom.uniform(low, high));
    return { observation: this.observation(), info: {} };
  }

  step(action: number): StepResult<TypedArray> {
    // Gymnasium's list lookup raises on a bad index; without the check the state would turn NaN.
    checkAction(this.actionSpace, action);
    let torque: number = ACROBOT.availTorque[action]!;
    if (this.torqueNoiseMax > 0) {
      torque += this.npRandom.uniform(-this.torqueNoiseMax, this.torqueNoiseMax);
    }
    const terminated = acrobotStep(this.state, torque, this.dt);
    return {
      observation: this.observation(),
      reward: terminated ? 0.0 : -1.0,
      terminated,
      truncated: false,
      info: {},
    };
  }

  private observation(): Float32Array {
    const s = this.state;
    return Float32Array.of(
      Math.cos(s[0]!),
      Math.sin(s[0]!),
      Math.cos(s[1]!),
      Math.sin(s[1]!),
      s[2]!,
      s[3]!,
    );
  }
}
