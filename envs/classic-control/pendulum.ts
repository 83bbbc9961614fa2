import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { PENDULUM, pendulumStep } from "./pendulum-dynamics.js";
import { parseResetNumber } from "./reset-bounds.js";

/** Pendulum-v1's observation bounds: cos, sin (unit circle) and the speed limit (float32). */
export const PENDULUM_HIGH = [1.0, 1.0, PENDULUM.maxSpeed];

/** Gymnasium's DEFAULT_X and DEFAULT_Y: half-widths of the initial angle and speed ranges. */
export const PENDULUM_DEFAULT_INIT = { x: Math.PI, y: 1.0 } as const;

/** Settings of Pendulum-v1. */
export interface PendulumOptions {
  /** Acceleration of gravity in m/s^2 (Gymnasium's default 10.0). */
  readonly g?: number;
}

/** Gymnasium's Pendulum-v1: swing a pendulum up and keep it upright with a bounded torque. */
export class PendulumEnv extends BaseEnv<TypedArray, TypedArray> {
  readonly observationSpace = new Box(
    PENDULUM_HIGH.map((h) => -h),
    PENDULUM_HIGH,
    [3],
    "float32",
  );
  readonly actionSpace = new Box(-PENDULUM.maxTorque, PENDULUM.maxTorque, [1], "float32");
  /** Physical state (theta, theta_dot) in float64, as Gymnasium keeps it. */
  readonly state = new Float64Array(2);
  /** Acceleration of gravity. */
  readonly g: number;

  constructor(opts: PendulumOptions = {}) {
    super();
    this.g = opts.g ?? 10.0;
  }

  /** Samples theta in [-x_init, x_init] and theta_dot in [-y_init, y_init] (options x_init, y_init). */
  reset(args: ResetArgs = {}): ResetResult<TypedArray> {
    this.seedRng(args.seed);
    const x = parseResetNumber(args.options, "x_init", PENDULUM_DEFAULT_INIT.x);
    const y = parseResetNumber(args.options, "y_init", PENDULUM_DEFAULT_INIT.y);
    // Gymnasium enforces symmetric limits: low = -high.
    this.state[0] = this.npRandom.uniform(-x, x);
    this.state[1] = this.npRandom.uniform(-y, y);
    return { observation: this.observation(), info: {} };
  }

  step(action: TypedArray): StepResult<TypedArray> {
    const reward = pendulumStep(this.state, this.g, Number(action[0]));
    return {
      observation: this.observation(),
      reward,
      terminated: false,
      truncated: false,
      info: {},
    };
  }

  private observation(): Float32Array {
    const theta = this.state[0]!;
    return Float32Array.of(Math.cos(theta), Math.sin(theta), this.state[1]!);
  }
}
