import type { Space } from "../envs/core/spaces/space.js";
import { batchItem } from "../envs/core/vector/batching.js";
import type { StepPolicyInfo } from "./types.js";

/** Sub-env i's slice of batched policy metadata. */
export function subEnvPolicy(p: StepPolicyInfo, i: number, actionSpace: Space): StepPolicyInfo {
  const at = (v: unknown): number | undefined =>
    ArrayBuffer.isView(v)
      ? Number((v as unknown as ArrayLike<number>)[i])
      : (v as number | undefined);
  const explore = at(p.wasExploratory);
  return {
    behaviorProb: at(p.behaviorProb),
    epsilon: at(p.epsilon),
    wasExploratory: explore === undefined ? undefined : explore !== 0,
    greedyAction:
      p.greedyAction === undefined ? undefined : batchItem(actionSpace, p.greedyAction, i),
    policyId: p.policyId,
    meta: p.meta,
  };
}
