import { isTypedArray } from "../envs/core/dtype.js";
import type { Info } from "../envs/core/env.js";
import type { SpaceValue } from "../envs/core/spaces/space.js";

/** A deep copy of a space value (typed arrays copied), for values an env may overwrite in place. */
export function cloneValue(v: SpaceValue): SpaceValue {
  if (isTypedArray(v)) return v.slice();
  if (Array.isArray(v)) return v.map(cloneValue);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, SpaceValue> = {};
    for (const k of Object.keys(v)) out[k] = cloneValue((v as Record<string, SpaceValue>)[k]!);
    return out;
  }
  return v;
}

/** A deep copy of a non-empty info (empty ones are returned as they are). */
export function copyInfo(info: Info): Info {
  for (const _ in info) return cloneValue(info as unknown as SpaceValue) as unknown as Info;
  return info;
}

/** An empty info, shared (frozen). */
export const NO_INFO: Info = Object.freeze({}) as Info;

/**
 * A copy of an info's `success` alone (and, in a batched info, its `_success` mask): what
 * the stats read, for writers that store no infos.
 */
export function copySuccess(info: Info): Info {
  if (!("success" in info)) return NO_INFO;
  const out: Record<string, SpaceValue> = { success: cloneValue(info.success as SpaceValue) };
  if ("_success" in info) out._success = cloneValue(info._success as SpaceValue);
  return out as unknown as Info;
}

/** What a recording keeps of a step's info: a copy of it all, or (`whole` false) of `success` alone. */
export function keptInfo(info: Info, whole: boolean): Info {
  return whole ? copyInfo(info) : copySuccess(info);
}
