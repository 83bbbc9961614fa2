import type { DictSpaceValue } from "../../envs/core/spaces/dict.js";
import { pickPlaceExpert, reachExpert } from "../../envs/robot/robot-experts.js";

/**
 * A scripted expert: the greedy action for an observation (a number for
 * Discrete, an array for Box). Envs with Dict observations receive the dict.
 */
export type Expert = (observation: Float32Array) => number | Float32Array;

// Dict-observation experts: the collector hands them the observation it got, a dict.
const dictExpert =
  (f: (o: DictSpaceValue) => Float32Array): Expert =>
  (o) =>
    f(o as unknown as DictSpaceValue);

/** Scripted experts of the envs that have one, by env id. */
export const EXPERTS: Readonly<Record<string, Expert>> = {
  // Push toward the side the pole is falling to (angle plus angular velocity).
  "CartPole-v1": (o) => (3 * o[2]! + o[3]! > 0 ? 1 : 0),
  // Rock with the velocity: accelerate in the direction the car already moves.
  "MountainCar-v0": (o) => (o[1]! >= 0 ? 2 : 0),
  "MountainCarContinuous-v0": (o) => Float32Array.of(o[1]! >= 0 ? 1 : -1),
  // Energy shaping far from upright, a PD controller near it (obs: cos θ, sin θ, θ').
  "Pendulum-v1": (o) => {
    const theta = Math.atan2(o[1]!, o[0]!);
    const u = Math.abs(theta) < 0.6 ? -10 * theta - 2 * o[2]! : o[2]! * (1 + o[0]!) > 0 ? 2 : -2;
    return Float32Array.of(Math.max(-2, Math.min(2, u)));
  },
  // Torque with the angular velocity of the first link to pump energy into the swing.
  "Acrobot-v1": (o) => (o[4]! > 0 ? 2 : o[4]! < 0 ? 0 : 1),
  // Push weights up on links hotter than average so shortest paths steer around them.
  "SdnRouting-v0": (o) => {
    const links = Math.max(1, o.length - 2);
    let mean = 0;
    for (let i = 0; i < links; i++) mean += o[i]!;
    mean /= links;
    return Float32Array.from({ length: links }, (_, i) =>
      Math.max(-1, Math.min(1, 4 * (o[i]! - mean))),
    );
  },
  // Seed 002: move toward the target at half speed, gripper open.
  "RobotReach-v0": dictExpert(reachExpert),
  // Staged: hover, descend, grasp, lift, carry, set down, release.
  "PickPlace-v0": dictExpert(pickPlaceExpert),
};
