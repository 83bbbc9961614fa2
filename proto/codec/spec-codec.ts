import type { ConfigField, ConfigFieldType, ConfigSchema } from "../../envs/core/config.js";
import type { EnvSpec } from "../../envs/core/registry.js";
import {
  type ConfigField as WireConfigField,
  type EnvSpec as WireEnvSpec,
  ConfigFieldType as WireType,
} from "../gen/ts/gymrpc/v1/env_spec.js";
import { decodeSpace, encodeSpace } from "./space-codec.js";

const TYPE_TO_WIRE: Readonly<Record<ConfigFieldType, WireType>> = {
  bool: WireType.CONFIG_FIELD_TYPE_BOOL,
  int: WireType.CONFIG_FIELD_TYPE_INT,
  double: WireType.CONFIG_FIELD_TYPE_DOUBLE,
  string: WireType.CONFIG_FIELD_TYPE_STRING,
};

/** The wire form of an env spec (its spaces may be overridden by a live session's). */
export function encodeSpec(spec: EnvSpec): WireEnvSpec {
  return {
    id: spec.id,
    description: spec.description,
    observationSpace: encodeSpace(spec.observationSpace),
    actionSpace: encodeSpace(spec.actionSpace),
    metadata: { renderModes: [...spec.metadata.renderModes], renderFps: spec.metadata.renderFps },
    maxEpisodeSteps: spec.maxEpisodeSteps,
    rewardThreshold: spec.rewardThreshold,
    configSchema: {
      messageType: spec.config.messageType,
      fields: spec.config.fields.map(
        (f): WireConfigField => ({
          name: f.name,
          type: TYPE_TO_WIRE[f.type],
          defaultValue: f.default,
          description: f.description,
          minimum: f.minimum,
          maximum: f.maximum,
          choices: [...(f.choices ?? [])],
        }),
      ),
    },
    nativeVectorization: spec.nativeVectorization,
    nondeterministic: spec.nondeterministic,
  };
}

/** An env spec from the wire. */
export function decodeSpec(w: WireEnvSpec): EnvSpec {
  const fields = (w.configSchema?.fields ?? []).map((f): ConfigField => {
    const type = (Object.entries(TYPE_TO_WIRE).find(([, v]) => v === f.type)?.[0] ??
      "string") as ConfigFieldType;
    return {
      name: f.name,
      type,
      default: f.defaultValue as ConfigField["default"],
      description: f.description,
      ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
      ...(f.maximum !== undefined ? { maximum: f.maximum } : {}),
      ...(f.choices.length > 0 ? { choices: f.choices } : {}),
    };
  });
  const config: ConfigSchema = { messageType: w.configSchema?.messageType ?? "", fields };
  return {
    id: w.id,
    description: w.description,
    observationSpace: decodeSpace(w.observationSpace, "observation_space"),
    actionSpace: decodeSpace(w.actionSpace, "action_space"),
    metadata: { renderModes: w.metadata?.renderModes ?? [], renderFps: w.metadata?.renderFps ?? 0 },
    maxEpisodeSteps: w.maxEpisodeSteps,
    rewardThreshold: w.rewardThreshold,
    config,
    nativeVectorization: w.nativeVectorization,
    nondeterministic: w.nondeterministic,
  };
}
