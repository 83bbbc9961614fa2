import type { EnvRegistration } from "../core/registry.js";
import { PendulumEnv } from "./pendulum.js";

/** Pendulum-v1 as Gymnasium registers it (no reward threshold). */
export const pendulumRegistration: EnvRegistration = {
  id: "Pendulum-v1",
  description:
    "Swing a pendulum upright and hold it there with a bounded torque (Gymnasium classic control).",
  entryPoint: ({ config }) => new PendulumEnv({ g: Number(config.g) }),
  config: {
    messageType: "gymrpc.v1.envs.PendulumConfig",
    fields: [
      {
        name: "g",
        type: "double",
        default: 10.0,
        description: "Acceleration of gravity in m/s^2.",
      },
    ],
  },
  metadata: { renderModes: [], renderFps: 30 },
  maxEpisodeSteps: 200,
};
