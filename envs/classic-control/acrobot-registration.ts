import type { EnvRegistration } from "../core/registry.js";
import { AcrobotEnv } from "./acrobot.js";

/** Acrobot-v1 as Gymnasium registers it. */
export const acrobotRegistration: EnvRegistration = {
  id: "Acrobot-v1",
  description:
    "Swing the tip of a two-link chain above a bar by torquing the middle joint (Gymnasium classic control).",
  entryPoint: ({ config }) => new AcrobotEnv({ torqueNoiseMax: Number(config.torque_noise_max) }),
  config: {
    messageType: "gymrpc.v1.envs.AcrobotConfig",
    fields: [
      {
        name: "torque_noise_max",
        type: "double",
        default: 0.0,
        minimum: 0,
        description:
          "Uniform noise added to the torque, in [-torque_noise_max, torque_noise_max] (0: none).",
      },
    ],
  },
  metadata: { renderModes: [], renderFps: 15 },
  maxEpisodeSteps: 500,
  rewardThreshold: -100.0,
};
