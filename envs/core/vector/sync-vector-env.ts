import type { Env, Info, MaybePromise, RenderFrame, ResetResult, StepResult } from "../env.js";
import type { Space, SpaceValue } from "../spaces/space.js";
import { checkAction } from "../wrappers/action-checker.js";
import { batchItem, createBatch, writeBatchItem } from "./batching.js";
import {
  subEnvSeeds,
  type VectorEnv,
  type VectorResetArgs,
  type VectorResetResult,
  type VectorStepResult,
} from "./vector-env.js";
import { mergeInfos } from "./vector-info.js";

/** Gymnasium's SyncVectorEnv: steps n envs in turn (concurrently when they are asynchronous). */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  private readonly autoreset: Uint8Array;
  private readonly reward: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;

  constructor(readonly envs: readonly Env[]) {
    if (envs.length === 0) throw new TypeError("SyncVectorEnv needs at least one env");
    const first = envs[0]!;
    this.numEnvs = envs.length;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.observationSpace = first.observationSpace.batch(this.numEnvs);
    this.actionSpace = first.actionSpace.batch(this.numEnvs);
    this.autoreset = new Uint8Array(this.numEnvs);
    this.reward = new Float64Array(this.numEnvs);
    this.terminated = new Uint8Array(this.numEnvs);
    this.truncated = new Uint8Array(this.numEnvs);
  }

  get renderMode(): string | undefined {
    return this.envs[0]!.renderMode;
  }

  reset(args: VectorResetArgs = {}): MaybePromise<VectorResetResult> {
    const seeds = subEnvSeeds(args.seed, this.numEnvs);
    this.autoreset.fill(0);
    const results = this.envs.map((env, i) => env.reset({ seed: seeds[i], options: args.options }));
    return settle(results, (rs) => {
      const obs = createBatch(this.singleObservationSpace, this.numEnvs);
      rs.forEach((r, i) => {
        writeBatchItem(this.singleObservationSpace, obs, i, r.observation);
      });
      return { observation: obs, info: mergeInfos(rs.map((r) => r.info)) };
    });
  }

  step(actions: SpaceValue): MaybePromise<VectorStepResult> {
    checkAction(this.actionSpace, actions);
    const results: MaybePromise<ResetResult | StepResult>[] = this.envs.map((env, i) =>
      this.autoreset[i] ? env.reset() : env.step(batchItem(this.singleActionSpace, actions, i)),
    );
    return settle(results, (rs) => {
      const obs = createBatch(this.singleObservationSpace, this.numEnvs);
      const infos: Info[] = [];
      rs.forEach((r, i) => {
        const stepped = "reward" in r;
        this.reward[i] = stepped ? r.reward : 0;
        this.terminated[i] = stepped && r.terminated ? 1 : 0;
        this.truncated[i] = stepped && r.truncated ? 1 : 0;
        this.autoreset[i] = this.terminated[i]! | this.truncated[i]!;
        writeBatchItem(this.singleObservationSpace, obs, i, r.observation);
        infos.push(r.info);
      });
      return {
        observation: obs,
        reward: this.reward,
        terminated: this.terminated,
        truncated: this.truncated,
        info: mergeInfos(infos),
      };
    });
  }

  render(): (RenderFrame | undefined)[] {
    return this.envs.map((e) => e.render());
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}

/** Waits for results only when some are promises, so synchronous envs stay synchronous. */
function settle<T, U>(results: MaybePromise<T>[], f: (rs: T[]) => U): MaybePromise<U> {
  if (results.some((r) => r instanceof Promise)) return Promise.all(results).then(f);
  return f(results as T[]);
}
