import { isTypedArray, type TypedArray } from "../dtype.js";
import type { Info, InfoValue } from "../env.js";

/**
 * Merges per-sub-env infos into Gymnasium's vector layout: info[key] holds
 * every sub-env's value (float64 for numbers, bool for booleans, a tuple for
 * anything else) and info["_" + key] is a bool mask of the sub-envs that set it.
 */
export function mergeInfos(infos: readonly Info[]): Info {
  const n = infos.length;
  const keys = new Set<string>();
  for (const info of infos) for (const k of Object.keys(info)) keys.add(k);
  const out: Info = {};
  for (const key of keys) {
    const values = infos.map((info) => info[key]);
    const mask = new Uint8Array(n);
    values.forEach((v, i) => {
      mask[i] = v === undefined ? 0 : 1;
    });
    out[key] = mergeValues(values, n);
    out[`_${key}`] = mask;
  }
  return out;
}

function mergeValues(values: readonly (InfoValue | undefined)[], n: number): InfoValue {
  const present = values.filter((v) => v !== undefined);
  if (present.every((v) => typeof v === "boolean")) {
    const arr = new Uint8Array(n);
    values.forEach((v, i) => {
      arr[i] = v ? 1 : 0;
    });
    return arr;
  }
  if (present.every((v) => typeof v === "number")) {
    return Float64Array.from(values, (v) => (v === undefined ? 0 : (v as number)));
  }
  if (
    present.every(
      (v) => typeof v === "object" && v !== null && !isTypedArray(v) && !Array.isArray(v),
    )
  ) {
    return mergeInfos(values.map((v) => (v ?? {}) as Info));
  }
  const first = present[0];
  if (
    isTypedArray(first) &&
    present.every(
      (v) => isTypedArray(v) && v.length === first.length && v.constructor === first.constructor,
    )
  ) {
    const ctor = first.constructor as new (len: number) => TypedArray;
    const arr = new ctor(n * first.length);
    values.forEach((v, i) => {
      if (v !== undefined) (arr as Float64Array).set(v as Float64Array, i * first.length);
    });
    return arr;
  }
  return values.map((v) => v ?? "");
}
