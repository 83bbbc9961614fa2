import type { DictSpaceValue } from "../core/spaces/dict.js";

/** A scripted robot expert: the action (dx, dy, dz, gripper) for a Dict observation. */
export type RobotExpert = (observation: DictSpaceValue) => Float32Array;

const vec = (o: DictSpaceValue, key: string): ArrayLike<number> => o[key] as ArrayLike<number>;
const clip = (v: number): number => Math.max(-1, Math.min(1, v));

/** Seed 002's reach expert: the unit direction to the target times 0.5, gripper open (0). */
export const reachExpert: RobotExpert = (o) => {
  const ee = vec(o, "ee_pos");
  const t = vec(o, "target_pos");
  const dx = t[0]! - ee[0]!;
  const dy = t[1]! - ee[1]!;
  const dz = t[2]! - ee[2]!;
  const n = Math.hypot(dx, dy, dz) || 1;
  return Float32Array.of((dx / n) * 0.5, (dy / n) * 0.5, (dz / n) * 0.5, 0);
};

/** Gain of the pick-and-place expert's P-controller (action per metre of error). */
const GAIN = 10;
/** Height above the table at which the expert carries the cube and hovers before grasping. */
const CARRY_HEIGHT = 0.12;
/** Horizontal alignment (m) the expert waits for before descending. */
const ALIGNED = 0.01;

function toward(
  ee: ArrayLike<number>,
  x: number,
  y: number,
  z: number,
  grip: number,
): Float32Array {
  return Float32Array.of(
    clip(GAIN * (x - ee[0]!)),
    clip(GAIN * (y - ee[1]!)),
    clip(GAIN * (z - ee[2]!)),
    grip,
  );
}

/**
 * A staged pick-and-place expert, stateless (its stage follows from the
 * observation): rise, hover over the cube with the hand open, descend, close
 * until the cube is held; then lift to the carry height, move over the goal,
 * descend, and open to set the cube down.
 */
export const pickPlaceExpert: RobotExpert = (o) => {
  const ee = vec(o, "ee_pos");
  const c = vec(o, "object_pos");
  const g = vec(o, "target_pos");
  const held = vec(o, "gripper_state")[1]! > 0.5;
  if (!held) {
    const off = Math.hypot(c[0]! - ee[0]!, c[1]! - ee[1]!);
    if (off > ALIGNED) {
      // Far off: rise first (do not sweep the fingers through the cube), then hover above it.
      if (ee[2]! < c[2]! + 0.05 && off > 2 * ALIGNED)
        return toward(ee, ee[0]!, ee[1]!, CARRY_HEIGHT, -1);
      return toward(ee, c[0]!, c[1]!, Math.max(ee[2]!, c[2]! + 0.05), -1);
    }
    if (ee[2]! - c[2]! > 0.006) return toward(ee, c[0]!, c[1]!, c[2]!, -1);
    return toward(ee, c[0]!, c[1]!, c[2]!, 1);
  }
  const off = Math.hypot(g[0]! - ee[0]!, g[1]! - ee[1]!);
  if (off > ALIGNED) {
    if (ee[2]! < CARRY_HEIGHT - 0.03) return toward(ee, ee[0]!, ee[1]!, CARRY_HEIGHT, 1);
    return toward(ee, g[0]!, g[1]!, CARRY_HEIGHT, 1);
  }
  if (c[2]! - g[2]! > 0.006) return toward(ee, g[0]!, g[1]!, g[2]!, 1);
  return toward(ee, g[0]!, g[1]!, g[2]!, -1);
};

/** The scripted experts of the robot envs, by env id. */
export const ROBOT_EXPERTS: Readonly<Record<string, RobotExpert>> = {
  "RobotReach-v0": reachExpert,
  "PickPlace-v0": pickPlaceExpert,
};
