import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { Discrete } from "../core/spaces/discrete.js";
import { CARTPOLE, cartPoleReward, cartPoleStep } from "./cartpole-dynamics.js";
import { parseResetBounds } from "./reset-bounds.js";

/** CartPole-v1's observation bounds (Gymnasium: twice the termination thresholds, float32). */
export const CARTPOLE_HIGH = [
  CARTPOLE.xThreshold * 2,
  Infinity,
  CARTPOLE.thetaThresholdRadians * 2,
  Infinity,
];

/** Settings of CartPole-v1. */
export interface CartPoleOptions {
  readonly suttonBartoReward?: boolean;
}

/** Gymnasium's CartPole-v1: balance a pole on a cart by pushing it left or right. */
export class CartPoleEnv extends BaseEnv<TypedArray, number> {
  readonly observationSpace = new Box(
    CARTPOLE_HIGH.map((h) => -h),
    CARTPOLE_HIGH,
    [4],
    "float32",
  );
  readonly actionSpace = new Discrete(2);
  /** Physical state (x, x_dot, theta, theta_dot) in float64, as Gymnasium keeps it. */
  readonly state = new Float64Array(4);
  private stepsBeyondTerminated = -1;
  private readonly suttonBarto: boolean;

  constructor(opts: CartPoleOptions = {}) {
    super();
    this.suttonBarto = opts.suttonBartoReward ?? false;
  }

  reset(args: ResetArgs = {}): ResetResult<TypedArray> {
    this.seedRng(args.seed);
    const { low, high } = parseResetBounds(args.options, -0.05, 0.05);
    for (let i = 0; i < 4; i++) this.state[i] = this.npRandom.uniform(low, high);
    this.stepsBeyondTerminated = -1;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: number): StepResult<TypedArray> {
    const terminated = cartPoleStep(this.state, 0, action);
    const reward = cartPoleReward(terminated, this.stepsBeyondTerminated, this.suttonBarto);
    if (terminated) this.stepsBeyondTerminated += 1;
    return {
      observation: Float32Array.from(this.state),
      reward,
      terminated,
      truncated: false,
      info: {},
    };
  }
}
