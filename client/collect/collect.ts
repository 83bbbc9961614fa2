import { createRng } from "../../envs/core/rng.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import { batchItem, createBatch, writeBatchItem } from "../../envs/core/vector/batching.js";
import type { GymClient } from "../connect.js";
import type { DatasetStats } from "../recording.js";
import { createPolicy } from "./policies.js";

/** What to collect. */
export interface CollectPlan {
  readonly envId: string;
  readonly config: Record<string, unknown>;
  readonly episodes: number;
  /** Steps per episode (the TimeLimit); undefined keeps the env's own. */
  readonly steps: number | undefined;
  readonly policy: string;
  readonly epsilon: number;
  readonly seed: number;
  readonly numEnvs: number;
  /** Dataset name in the server's record directory; its extension picks the format. */
  readonly name: string;
  readonly overwrite: boolean;
  /** 0 (none) to 9; undefined: the format's default (RecordOptions.compressionLevel). */
  readonly compressionLevel?: number | undefined;
}

/** Progress of a collection. */
export interface CollectProgress {
  readonly episodesDone: number;
  readonly stepsDone: number;
}

/** What a collection produced. */
export interface CollectResult {
  readonly stats: DatasetStats;
  /** Flattened sizes of one observation and one action (Discrete counts as 1). */
  readonly stateDim: number;
  readonly actionDim: number;
}

// Policy randomness gets its own stream per episode, apart from the env's seed + k.
const POLICY_SEED_OFFSET = 1_000_003;

/**
 * Runs `plan.episodes` episodes of the policy in a vectorized session that
 * the server records. Episode k is reset with seed + k and decided with its
 * own RNG, and the server writes whole episodes in the order they started,
 * so the dataset is the same byte for byte whatever the number of sub-envs.
 */
export async function collect(
  client: GymClient,
  plan: CollectPlan,
  onProgress: (p: CollectProgress) => void = () => {},
): Promise<CollectResult> {
  const n = subEnvsPerBlock(plan.episodes, plan.numEnvs);
  const env = await client.makeVec(plan.envId, n, {
    config: plan.config,
    ...(plan.steps ? { maxEpisodeSteps: plan.steps } : {}),
    record: {
      name: plan.name,
      overwrite: plan.overwrite,
      ...(plan.compressionLevel === undefined ? {} : { compressionLevel: plan.compressionLevel }),
      policyId: plan.epsilon > 0 ? `${plan.policy}+eps${plan.epsilon}` : plan.policy,
      discardPartialEpisodes: true,
      maxEpisodes: plan.episodes,
      metadata: {
        collector: "gymrpc collect",
        policy: plan.policy,
        epsilon: plan.epsilon,
        seed: plan.seed,
      },
    },
  });
  try {
    const space = env.singleActionSpace;
    const policy = createPolicy(plan.policy, plan.envId, space, plan.epsilon);
    const actions = createBatch(space, n);
    const greedy = createBatch(space, n);
    const behaviorProb = new Float64Array(n);
    const explored = new Uint8Array(n);
    const epsilon = new Float64Array(n).fill(plan.epsilon);
    const record = new Uint8Array(n);
    let episodesDone = 0;
    let stepsDone = 0;
    for (let first = 0; first < plan.episodes; first += n) {
      const inBlock = Math.min(n, plan.episodes - first);
      let obs: SpaceValue = (await env.reset({ seed: plan.seed + first })).observation;
      const rngs = Array.from({ length: n }, (_, i) =>
        createRng(plan.seed + first + i + POLICY_SEED_OFFSET),
      );
      // Sub-envs past the last episode, and those whose episode ended, are left out of the recording.
      for (let i = 0; i < n; i++) record[i] = i < inBlock ? 1 : 0;
      let running = inBlock;
      while (running > 0) {
        for (let i = 0; i < n; i++) {
          const d = policy.decideAt
            ? policy.decideAt(obs, i, n, rngs[i]!)
            : policy.decide(batchItem(env.singleObservationSpace, obs, i), rngs[i]!);
          writeBatchItem(space, actions, i, d.action);
          writeBatchItem(space, greedy, i, d.greedyAction);
          behaviorProb[i] = d.behaviorProb;
          explored[i] = d.wasExploratory ? 1 : 0;
        }
        const r = await env.step(actions, {
          behaviorProb,
          greedyAction: greedy,
          wasExploratory: explored,
          epsilon,
          record,
        });
        obs = r.observation;
        for (let i = 0; i < n; i++) {
          if (!record[i]) continue;
          stepsDone++;
          if (r.terminated[i] || r.truncated[i]) {
            record[i] = 0;
            running--;
            episodesDone++;
          }
        }
        onProgress({ episodesDone, stepsDone });
      }
    }
    const stats = await env.stopRecording();
    return { stats, stateDim: flatSize(env.singleObservationSpace), actionDim: flatSize(space) };
  } finally {
    await env.close();
  }
}

/**
 * Sub-envs of a collection of `episodes` on at most `numEnvs`: as many as evens out the
 * blocks, so 50 episodes on 16 sub-envs run as 4 blocks of 13 (52 episodes of work) rather
 * than 16, 16, 16 and 2 (64); the dataset does not depend on it.
 */
export function subEnvsPerBlock(episodes: number, numEnvs: number): number {
  const blocks = Math.ceil(episodes / Math.max(1, Math.min(numEnvs, episodes)));
  return Math.ceil(episodes / blocks);
}

/** Elements of a space's flattened values (gymnasium.spaces.flatdim, Discrete counted as 1). */
export function flatSize(space: Space): number {
  if (space.kind === "dict" || space.kind === "tuple") {
    const parts = (space as unknown as { spaces: Iterable<Space> | Map<string, Space> }).spaces;
    const list = parts instanceof Map ? [...parts.values()] : [...parts];
    return list.reduce((a, s) => a + flatSize(s), 0);
  }
  return (space.shape ?? []).reduce((a, b) => a * b, 1);
}
