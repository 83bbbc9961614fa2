import type { EnvRegistration } from "../core/registry.js";
import { MountainCarContinuousEnv } from "./mountain-car-continuous.js";

/** MountainCarContinuous-v0 as Gymnasium registers it. */
export const mountainCarContinuousRegistration: EnvRegistration = {
  id: "MountainCarContinuous-v0",
  description:
    "Drive an underpowered car up a hill with a continuous, energy-costly force (Gymnasium classic control).",
  entryPoint: ({ config }) =>
    new MountainCarContinuousEnv({ goalVelocity: Number(config.goal_velocity) }),
  config: {
    messageType: "gymrpc.v1.envs.MountainCarContinuousConfig",
    fields: [
      {
        name: "goal_velocity",
        type: "double",
        default: 0,
        description: "Velocity the car must reach at the goal position.",
      },
    ],
  },
  metadata: { renderModes: [], renderFps: 30 },
  maxEpisodeSteps: 999,
  rewardThreshold: 90.0,
};
