import { isTypedArray, type TypedArray } from "../envs/core/dtype.js";
import type { Info, InfoValue } from "../envs/core/env.js";

const EMPTY: Info = Object.freeze({}) as Info;

/** One key of a batched info: its value and its "_key" mask (undefined: every sub-env has it). */
interface KeyPlan {
  readonly key: string;
  readonly value: InfoValue;
  readonly mask: TypedArray | undefined;
  readonly n: number;
}

// A logged batched info is split once per sub-env whose episode reads it (up to numEnvs
// times): its keys and masks are looked up once, not per sub-env ("_" + key builds a string
// each time). Only for infos that never change again (the recorder's copies).
const plans = new WeakMap<Info, readonly KeyPlan[]>();

function cachedPlan(info: Info): readonly KeyPlan[] {
  let plan = plans.get(info);
  if (!plan) {
    plan = planOf(info);
    plans.set(info, plan);
  }
  return plan;
}

function planOf(info: Info): readonly KeyPlan[] {
  const keys: KeyPlan[] = [];
  for (const key of Object.keys(info)) {
    if (key.startsWith("_")) continue;
    const mask = info[`_${key}`];
    const typed = isTypedArray(mask) ? mask : undefined;
    keys.push({ key, value: info[key]!, mask: typed, n: typed ? typed.length : 0 });
  }
  return keys;
}

/** Sub-env i's own info out of Gymnasium's vector layout (keys whose "_key" mask is set for i). */
export function subEnvInfo(info: Info, i: number): Info {
  return fromPlan(planOf(info), i);
}

/** subEnvInfo of a logged info, which must never change again (its key plan is cached). */
export function loggedSubEnvInfo(info: Info, i: number): Info {
  return fromPlan(cachedPlan(info), i);
}

function fromPlan(plan: readonly KeyPlan[], i: number): Info {
  let out: Info | undefined;
  for (const k of plan) {
    if (k.mask !== undefined && k.mask[i] !== 1) continue;
    out ??= {};
    out[k.key] = itemOf(k.value, i, k.n);
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
