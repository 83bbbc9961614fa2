/** Physical constants of Gymnasium's MountainCarEnv (goal_velocity is a setting). */
export const MOUNTAIN_CAR = {
  minPosition: -1.2,
  maxPosition: 0.6,
  maxSpeed: 0.07,
  goalPosition: 0.5,
  force: 0.001,
  gravity: 0.0025,
} as const;

/**
 * Advances the state (position, velocity; float64) by one step under `action`
 * (0 accelerates left, 1 not at all, 2 right), in Gymnasium's order of
 * operations. Returns true when the car is at the goal at goalVelocity or faster.
 */
export function mountainCarStep(s: Float64Array, action: number, goalVelocity: number): boolean {
  const c = MOUNTAIN_CAR;
  let position = s[0]!;
  let velocity = s[1]!;
  velocity += (action - 1) * c.force + Math.cos(3 * position) * -c.gravity;
  velocity = Math.min(Math.max(velocity, -c.maxSpeed), c.maxSpeed);
  position += velocity;
  position = Math.min(Math.max(position, c.minPosition), c.maxPosition);
  // The left wall is inelastic: the car stops dead against it.
  if (position === c.minPosition && velocity < 0) velocity = 0;
  s[0] = position;
  s[1] = velocity;
  return position >= c.goalPosition && velocity >= goalVelocity;
}
