import type { ConfigField, ResolvedConfig } from "../core/config.js";
import { InvalidConfigError } from "../core/errors.js";
import type { EnvRegistration } from "../core/registry.js";
import { PickPlaceEnv } from "./pick-place.js";
import { RobotReachEnv } from "./robot-reach.js";
import type { RobotTaskOptions } from "./robot-task-env.js";

/** Episode limit of both robot envs (seed 002's max_steps). */
export const ROBOT_MAX_EPISODE_STEPS = 200;

/** The settings both robot envs take (RobotReachConfig and PickPlaceConfig in robot.proto). */
export const ROBOT_CONFIG_FIELDS: readonly ConfigField[] = [
  {
    name: "randomize",
    type: "bool",
    default: false,
    description:
      "Domain randomization at each reset: light direction uniform on the unit sphere, table friction ±20% (reported in the reset info).",
  },
  {
    name: "friction",
    type: "double",
    default: 0.5,
    minimum: 0.01,
    maximum: 10,
    description: "Nominal sliding friction coefficient of the table surface.",
  },
  {
    name: "image_width",
    type: "int",
    default: 0,
    minimum: 0,
    maximum: 1024,
    description:
      "Width of the camera image in the observation (key image, uint8 HxWx3); 0: no image.",
  },
  {
    name: "image_height",
    type: "int",
    default: 0,
    minimum: 0,
    maximum: 1024,
    description: "Height of the camera image; 0 with image_width 0.",
  },
];

/** The env options from a validated config and render mode. */
export function robotOptionsFromConfig(
  config: ResolvedConfig,
  renderMode: string | undefined,
): RobotTaskOptions {
  const imageWidth = Number(config.image_width);
  const imageHeight = Number(config.image_height);
  if ((imageWidth === 0) !== (imageHeight === 0)) {
    throw new InvalidConfigError(
      imageWidth === 0 ? "config.image_width" : "config.image_height",
      `image_width and image_height are both 0 (no image) or both > 0, got ${imageWidth} x ${imageHeight}`,
    );
  }
  return {
    randomize: Boolean(config.randomize),
    friction: Number(config.friction),
    imageWidth,
    imageHeight,
    renderMode,
  };
}

/** RobotReach-v0: move a Panda's hand to a target (seed 002's reach). */
export const robotReachRegistration: EnvRegistration = {
  id: "RobotReach-v0",
  description:
    "Move the hand of a 7-joint Franka Panda (DH kinematics, damped-least-squares IK) within 5 cm of a target; " +
    "Dict observation, optional camera image, domain randomization (seed 002).",
  entryPoint: ({ config, renderMode }) =>
    new RobotReachEnv(robotOptionsFromConfig(config, renderMode)),
  config: { messageType: "gymrpc.v1.envs.RobotReachConfig", fields: ROBOT_CONFIG_FIELDS },
  metadata: { renderModes: ["rgb_array"], renderFps: 20 },
  maxEpisodeSteps: ROBOT_MAX_EPISODE_STEPS,
};

/** PickPlace-v0: grasp a cube, lift it and set it down at a goal (seed 002's pick_place). */
export const pickPlaceRegistration: EnvRegistration = {
  id: "PickPlace-v0",
  description:
    "Grasp a cube with a 7-joint Franka Panda, lift it and set it down within 5 cm of a goal on the table; " +
    "Dict observation, optional camera image, domain randomization (seed 002).",
  entryPoint: ({ config, renderMode }) =>
    new PickPlaceEnv(robotOptionsFromConfig(config, renderMode)),
  config: { messageType: "gymrpc.v1.envs.PickPlaceConfig", fields: ROBOT_CONFIG_FIELDS },
  metadata: { renderModes: ["rgb_array"], renderFps: 20 },
  maxEpisodeSteps: ROBOT_MAX_EPISODE_STEPS,
};
