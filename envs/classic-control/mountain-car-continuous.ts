import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { MOUNTAIN_CAR_HIGH, MOUNTAIN_CAR_LOW, MOUNTAIN_CAR_RESET } from "./mountain-car.js";
import {
  MOUNTAIN_CAR_CONTINUOUS,
  type MountainCarContinuousStateDtype,
  mountainCarContinuousStep,
} from "./mountain-car-continuous-dynamics.js";
import { parseResetBounds } from "./reset-bounds.js";

/** Settings of MountainCarContinuous-v0. */
export interface MountainCarContinuousOptions {
  /** Velocity the car must reach at the goal position (Gymnasium's default 0). */
  readonly goalVelocity?: number;
}

/** Gymnasium's MountainCarContinuous-v0: MountainCar with a continuous force and an energy cost. */
export class MountainCarContinuousEnv extends BaseEnv<TypedArray, TypedArray> {
  readonly observationSpace = new Box(MOUNTAIN_CAR_LOW, MOUNTAIN_CAR_HIGH, [2], "float32");
  readonly actionSpace = new Box(
    MOUNTAIN_CAR_CONTINUOUS.minAction,
    MOUNTAIN_CAR_CONTINUOUS.maxAction,
    [1],
    "float32",
  );
  /** Physical state (position, velocity); its values are float32 whenever stateDtype says so. */
  readonly state = new Float64Array(2);
  /**
   * The dtype Gymnasium would hold `state` in: float64 after reset, float32
   * after a step. It decides which arithmetic the next step uses.
   */
  stateDtype: MountainCarContinuousStateDtype = "float64";
  /** Velocity the car must reach at the goal position. */
  readonly goalVelocity: number;

  constructor(opts: MountainCarContinuousOptions = {}) {
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
    this.stateDtype = "float64";
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: TypedArray): StepResult<TypedArray> {
    const { terminated, reward } = mountainCarContinuousStep(
      this.state,
      this.stateDtype,
      Math.fround(Number(action[0])),
      this.goalVelocity,
    );
    this.stateDtype = "float32";
    return {
      observation: Float32Array.from(this.state),
      reward,
      terminated,
      truncated: false,
      info: {},
    };
  }
}
