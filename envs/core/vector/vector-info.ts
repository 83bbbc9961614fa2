import { isTypedArray, type TypedArray } from "../dtype.js";
import type { Info, InfoValue } from "../env.js";

/**
 * Merges per-sub-env infos into Gymnasium's vector layout: info[key] holds
 * every sub-env's value (float64 for numbers, bool for booleans, a tuple for
 * anything else) and info["_" + key] is a bool mask of the sub-envs that set it.
 */
export function mergeInfos(infos: readonly Info[]): Info {
  const n = infos.length;
  const out: Info = {};
  // Keys in the order first reported (one sub-env: its own order), as a Set gives them.
  const keys: Iterable<string> =
    n === 1 ? Object.keys(infos[0]!) : new Set(infos.flatMap((info) => Object.keys(info)));
  // Called every step of a vector env: one pass per key, no per-value closures.
  const values = new Array<InfoValue | undefined>(n);
  for (const key of keys) {
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = infos[i]![key];
      values[i] = v;
      mask[i] = v === undefined ? 0 : 1;
    }
    out[key] = mergeValues(values, n);
    out[`_${key}`] = mask;
  }
  return out;
}

/** What every present value of a key is, which decides how they are batched. */
type Kind = "bool" | "number" | "dict" | "typed" | "other";

function kindOf(v: InfoValue): Kind {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  if (isTypedArray(v)) return "typed";
  if (typeof v === "object" && v !== null && !Array.isArray(v)) return "dict";
  return "other";
}

function mergeValues(values: readonly (InfoValue | undefined)[], n: number): InfoValue {
  let kind: Kind | undefined;
  let first: TypedArray | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const k = kindOf(v);
    if (kind === undefined) {
      kind = k;
      if (k === "typed") first = v as TypedArray;
    } else if (k !== kind) {
      kind = "other";
      break;
    } else if (
      k === "typed" &&
      ((v as TypedArray).length !== first!.length || v.constructor !== first!.constructor)
    ) {
      kind = "other";
      break;
    }
  }
  switch (kind) {
    case undefined:
    case "bool": {
      // No value at all batches as bools, as Gymnasium's all-absent key would.
      const arr = new Uint8Array(n);
      for (let i = 0; i < n; i++) arr[i] = values[i] ? 1 : 0;
      return arr;
    }
    case "number": {
      const arr = new Float64Array(n);
      for (let i = 0; i < n; i++) arr[i] = (values[i] as number | undefined) ?? 0;
      return arr;
    }
    case "dict":
      return mergeInfos(values.map((v) => (v ?? {}) as Info));
    case "typed": {
      const ctor = first!.constructor as new (len: number) => TypedArray;
      const arr = new ctor(n * first!.length);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== undefined) (arr as Float64Array).set(v as Float64Array, i * first!.length);
      }
      return arr;
    }
    default:
      return values.map((v) => v ?? "");
  }
}
