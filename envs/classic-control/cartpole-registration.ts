import type { EnvRegistration } from "../core/registry.js";
import { CartPoleEnv } from "./cartpole.js";
import { CartPoleVectorEnv } from "./cartpole-vector.js";

/** CartPole-v1 as Gymnasium registers it, with its batched implementation. */
export const cartPoleRegistration: EnvRegistration = {
  id: "CartPole-v1",
  description: "Balance a pole on a cart by pushing it left or right (Gymnasium classic control).",
  entryPoint: ({ config }) =>
    new CartPoleEnv({ suttonBartoReward: config.sutton_barto_reward === true }),
  vectorEntryPoint: ({ numEnvs, maxEpisodeSteps, config }) =>
    new CartPoleVectorEnv(numEnvs, maxEpisodeSteps, config.sutton_barto_reward === true),
  config: {
    messageType: "gymrpc.v1.envs.CartPoleConfig",
    fields: [
      {
        name: "sutton_barto_reward",
        type: "bool",
        default: false,
        description:
          "Reward 0 per non-terminal step and -1 on termination, as in Sutton and Barto.",
      },
    ],
  },
  metadata: { renderModes: [], renderFps: 50 },
  maxEpisodeSteps: 500,
  rewardThreshold: 475.0,
};
