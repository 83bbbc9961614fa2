import type { ConfigSchema } from "../envs/core/config.js";
import { InvalidConfigError } from "../envs/core/errors.js";
import type { Any } from "../proto/gen/ts/google/protobuf/any.js";
import { AcrobotConfig } from "../proto/gen/ts/gymrpc/v1/envs/acrobot.js";
import { CartPoleConfig } from "../proto/gen/ts/gymrpc/v1/envs/cartpole.js";
import {
  MountainCarConfig,
  MountainCarContinuousConfig,
} from "../proto/gen/ts/gymrpc/v1/envs/mountain_car.js";
import { OpticalRoutingConfig } from "../proto/gen/ts/gymrpc/v1/envs/optical.js";
import { PendulumConfig } from "../proto/gen/ts/gymrpc/v1/envs/pendulum.js";
import { PickPlaceConfig, RobotReachConfig } from "../proto/gen/ts/gymrpc/v1/envs/robot.js";
import { SdnRoutingConfig } from "../proto/gen/ts/gymrpc/v1/envs/sdn.js";

type Decoder = (bytes: Uint8Array) => object;

/** Decoders of every typed env config message, by fully qualified name. */
export const TYPED_CONFIGS: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  ["gymrpc.v1.envs.CartPoleConfig", (b) => CartPoleConfig.decode(b)],
  ["gymrpc.v1.envs.PendulumConfig", (b) => PendulumConfig.decode(b)],
  ["gymrpc.v1.envs.MountainCarConfig", (b) => MountainCarConfig.decode(b)],
  ["gymrpc.v1.envs.MountainCarContinuousConfig", (b) => MountainCarContinuousConfig.decode(b)],
  ["gymrpc.v1.envs.AcrobotConfig", (b) => AcrobotConfig.decode(b)],
  ["gymrpc.v1.envs.SdnRoutingConfig", (b) => SdnRoutingConfig.decode(b)],
  ["gymrpc.v1.envs.OpticalRoutingConfig", (b) => OpticalRoutingConfig.decode(b)],
  ["gymrpc.v1.envs.RobotReachConfig", (b) => RobotReachConfig.decode(b)],
  ["gymrpc.v1.envs.PickPlaceConfig", (b) => PickPlaceConfig.decode(b)],
]);

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Unpacks a typed config into snake_case settings of `schema`, keeping only
 * the fields the client set. The Any must hold the env's own message type.
 */
export function unpackTypedConfig(
  any: Any | undefined,
  schema: ConfigSchema,
): Record<string, unknown> {
  if (!any || (any.typeUrl === "" && any.value.length === 0)) return {};
  const type = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
  if (type !== schema.messageType) {
    throw new InvalidConfigError(
      "typed_config",
      `expected a ${schema.messageType}, got ${type || "no type URL"}`,
    );
  }
  const decode = TYPED_CONFIGS.get(type);
  if (!decode) throw new InvalidConfigError("typed_config", `no decoder for ${type}`);
  let msg: Record<string, unknown>;
  try {
    msg = decode(any.value) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidConfigError("typed_config", `cannot decode ${type}: ${(e as Error).message}`);
  }
  const out: Record<string, unknown> = {};
  for (const f of schema.fields) {
    const v = msg[camel(f.name)];
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}
