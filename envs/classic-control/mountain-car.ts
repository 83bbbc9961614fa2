import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { Discrete } from "../core/spaces/discrete.js";
import { checkAction } from "../core/wrappers/action-checker.js";
import { MOUNTAIN_CAR, mountainCarStep } from "./mountain-car-dynamics.js";
import { parseResetBounds } from "./reset-bounds.js";

/** MountainCar's observation bounds (position, velocity), shared by the continuous version (float32). */
export const MOUNTAIN_CAR_LOW = [MOUNTAIN_CAR.minPosition, -MOUNTAIN_CAR.maxSpeed];

/** Upper counterpart of MOUNTAIN_CAR_LOW. */
export const MOUNTAIN_CAR_HIGH = [MOUNTAIN_CAR.maxPosition, MOUNTAIN_CAR.maxSpeed];

/** Gymnasium's default range of the initial position (options low / high override it). */
export const MOUNTAIN_CAR_RESET = { low: -0.6, high: -0.4 } as const;

/** Settings of MountainCar-v0. */
export interface MountainCarOptions {
  /** Velocity the car must reach at the goal position (Gymnasium's default 0). */
  readonly goalVelocity?: number;
}

/** Gymnasium's MountainCar-v0: drive an underpowered car up a hill by rocking it (discrete actions). */
export class MountainCarEnv extends BaseEnv<TypedArray, number> {
  readonly observationSpace = new Box(MOUNTAIN_CAR_LOW, MOUNTAIN_CAR_HIGH, [2], "float32");
  readonly actionSpace = new Discrete(3);
  /** Physical state (position, velocity) in float64, as Gymnasium keeps it. */
  readonly state = new Float64Array(2);
  /** Velocity the car must reach at the goal position. */
  readonly goalVelocity: number;

  constructor(opts: MountainCarOptions = {}) {
    super();
    this.goalVelocity = opts.goalVelocity ?? 0;
  }

  /** Samples the position in [low, high) (options low, high) at rest. */
  reset(args: ResetArgs = {}): ResetResult<TypedArray> {
    this.seedRng(args.seed);
    const { low, high } = parseResetBounds(
      args.options,
      MOUNTAIN_CAR_RESET.low,
      MOUNTAIN_CAR_RESET.high,
    );
    this.state[0] = this.npRandom.uniform(low, high);
    this.state[1] = 0;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: number): StepResult<TypedArray> {
    // Gymnasium's MountainCarEnv asserts the action is in its space.
    checkAction(this.actionSpace, action);
    const terminated = mountainCarStep(this.state, action, this.goalVelocity);
    return {
      observation: Float32Array.from(this.state),
      reward: -1.0,
      terminated,
      truncated: false,
      info: {},
    };
  }
}
