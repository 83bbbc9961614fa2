import { isTypedArray } from "../envs/core/dtype.js";
import type { Info, InfoValue } from "../envs/core/env.js";

const EMPTY: Info = Object.freeze({}) as Info;

/** Sub-env i's own info out of Gymnasium's vector layout (keys whose "_key" mask is set for i). */
export function subEnvInfo(info: Info, i: number): Info {
  let out: Info | undefined;
  for (const key of Object.keys(info)) {
    if (key.startsWith("_")) continue;
    const mask = info[`_${key}`];
    if (isTypedArray(mask) && mask[i] !== 1) continue;
    out ??= {};
    out[key] = itemOf(info[key]!, i, isTypedArray(mask) ? mask.length : 0);
  }
  return out ?? EMPTY;
}

function itemOf(v: InfoValue, i: number, n: number): InfoValue {
  if (isTypedArray(v)) {
    const width = n > 0 ? v.length / n : 1;
    if (width === 1) {
      const x = v[i]!;
      return v instanceof Uint8Array ? x === 1 : Number(x);
    }
    return v.subarray(i * width, (i + 1) * width);
  }
  if (Array.isArray(v)) return v[i] as InfoValue;
  if (typeof v === "object") return subEnvInfo(v as Info, i);
  return v;
}
