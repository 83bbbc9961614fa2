import { MOUNTAIN_CAR } from "./mountain-car-dynamics.js";

/** Physical constants of Gymnasium's Continuous_MountainCarEnv (goal_velocity is a setting). */
export const MOUNTAIN_CAR_CONTINUOUS = {
  minAction: -1.0,
  maxAction: 1.0,
  minPosition: MOUNTAIN_CAR.minPosition,
  maxPosition: MOUNTAIN_CAR.maxPosition,
  maxSpeed: MOUNTAIN_CAR.maxSpeed,
  // 0.45 rather than MountainCar's 0.5, as in Gymnasium.
  goalPosition: 0.45,
  power: 0.0015,
  gravity: 0.0025,
} as const;

/** Element type numpy holds the state in: float64 right after reset, float32 after any step. */
export type MountainCarContinuousStateDtype = "float64" | "float32";

const f32 = Math.fround;

/**
 * A number as numpy types it in the step: a float32 scalar, or a float64
 * (numpy float64 or Python float). numpy 2 casts Python floats to float32
 * when they meet a float32 scalar, in arithmetic and in comparisons alike.
 */
interface Num {
  v: number;
  f32: boolean;
}

/** A Python float `c` as numpy sees it next to `x`. */
const cast = (x: Num, c: number): number => (x.f32 ? f32(c) : c);

/** Python rebinding the variable to a Python float (or int), which drops the float32 type. */
const assign = (x: Num, v: number): void => {
  x.v = v;
  x.f32 = false;
};

/**
 * Advances the state (position, velocity) by one step under the force
 * `action` (a float32 value), reproducing Gymnasium's mix of float32 and
 * float64 arithmetic for a state of `dtype`. Writes the float32-rounded
 * state back and returns whether the goal was reached and the reward.
 */
export function mountainCarContinuousStep(
  s: Float64Array,
  dtype: MountainCarContinuousStateDtype,
  action: number,
  goalVelocity: number,
): { terminated: boolean; reward: number } {
  const c = MOUNTAIN_CAR_CONTINUOUS;
  const isF32 = dtype === "float32";
  const position: Num = { v: s[0]!, f32: isF32 };
  const velocity: Num = { v: s[1]!, f32: isF32 };
  // Python's min(max(a, lo), hi) keeps the float32 action unless it is out of range,
  // in which case the bound is a Python float.
  const forceF32 = !(c.minAction > action) && !(action > c.maxAction);
  const force = forceF32 ? action : action < c.minAction ? c.minAction : c.maxAction;
  const threePos = position.f32 ? f32(3 * position.v) : 3 * position.v;
  const gravityTerm = c.gravity * Math.cos(threePos);
  const dv = forceF32
    ? f32(f32(force * f32(c.power)) - f32(gravityTerm))
    : force * c.power - gravityTerm;
  velocity.v = velocity.f32 ? f32(velocity.v + (forceF32 ? dv : f32(dv))) : velocity.v + dv;
  if (velocity.v > cast(velocity, c.maxSpeed)) assign(velocity, c.maxSpeed);
  if (velocity.v < cast(velocity, -c.maxSpeed)) assign(velocity, -c.maxSpeed);
  position.v = position.f32
    ? f32(position.v + cast(position, velocity.v))
    : position.v + velocity.v;
  if (position.v > cast(position, c.maxPosition)) assign(position, c.maxPosition);
  if (position.v < cast(position, c.minPosition)) assign(position, c.minPosition);
  // The left wall is inelastic: the car stops dead against it.
  if (position.v === cast(position, c.minPosition) && velocity.v < 0) assign(velocity, 0);
  const terminated =
    position.v >= cast(position, c.goalPosition) && velocity.v >= cast(velocity, goalVelocity);
  // math.pow(action[0], 2) is float64 math on the raw (unclipped) action.
  const reward = (terminated ? 100.0 : 0) - action * action * 0.1;
  s[0] = f32(position.v);
  s[1] = f32(velocity.v);
  return { terminated, reward };
}
