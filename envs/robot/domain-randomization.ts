import type { Rng } from "../core/rng.js";

/** Scene parameters drawn at each reset (seed 002's domain-randomization table). */
export interface SceneParams {
  /** Unit vector from surfaces toward the light (world frame, z up). */
  readonly lightDir: readonly [number, number, number];
  /** Sliding friction coefficient of the table surface. */
  readonly friction: number;
}

/** The light of an unrandomized scene: high, in front of and left of the robot. */
export const DEFAULT_LIGHT_DIR: readonly [number, number, number] = normalize(0.4, 0.3, 1);

/** Relative range of the friction randomization (seed 002: ±20% of the default). */
export const FRICTION_SPREAD = 0.2;

function normalize(x: number, y: number, z: number): [number, number, number] {
  const n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
}

/**
 * The scene of an episode: with `randomize`, the light direction uniform on
 * the unit sphere (a normalized standard normal 3-vector, rejecting the
 * measure-zero near-origin draws) and the friction uniform in ±20% of
 * `friction`; otherwise the defaults, without drawing from `rng`.
 */
export function sampleSceneParams(rng: Rng, randomize: boolean, friction: number): SceneParams {
  if (!randomize) return { lightDir: DEFAULT_LIGHT_DIR, friction };
  let x = 0;
  let y = 0;
  let z = 0;
  do {
    x = rng.normal();
    y = rng.normal();
    z = rng.normal();
  } while (x * x + y * y + z * z < 1e-12);
  return {
    lightDir: normalize(x, y, z),
    friction: friction * rng.uniform(1 - FRICTION_SPREAD, 1 + FRICTION_SPREAD),
  };
}
