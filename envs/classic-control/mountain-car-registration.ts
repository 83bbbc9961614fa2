import type { EnvRegistration } from "../core/registry.js";
import { MountainCarEnv } from "./mountain-car.js";

/** MountainCar-v0 as Gymnasium registers it. */
export const mountainCarRegistration: EnvRegistration = {
  id: "MountainCar-v0",
  description:
    "Drive an underpowered car up a hill by rocking it back and forth (Gymnasium classic control).",
  entryPoint: ({ config }) => new MountainCarEnv({ goalVelocity: Number(config.goal_velocity) }),
  config: {
    messageType: "gymrpc.v1.envs.MountainCarConfig",
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
  maxEpisodeSteps: 200,
  rewardThreshold: -110.0,
};
