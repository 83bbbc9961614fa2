import { credentials } from "@grpc/grpc-js";
import { connect } from "../client/connect.js";
import { createRng } from "../envs/core/rng.js";
import { Discrete } from "../envs/core/spaces/discrete.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import { createBatch, writeBatchItem } from "../envs/core/vector/batching.js";
import { encodeTensor } from "../proto/codec/tensor-codec.js";
import {
  EnvServiceClient,
  type MakeRequest,
  type MakeResponse,
  type StepRequest,
  type StepResponse,
} from "../proto/gen/ts/gymrpc/v1/env_service.js";
import { type LatencyStats, timeRoundTrips } from "./stats.js";

/** Single-env CartPole step round trip over the Session stream at `target`. */
export async function streamStepLatency(target: string, iterations: number): Promise<LatencyStats> {
  const client = connect(target);
  const env = await client.make("CartPole-v1");
  await env.reset({ seed: 0 });
  let i = 0;
  const { stats } = await timeRoundTrips(
    async () => {
      const r = await env.step(i++ & 1);
      if (r.terminated || r.truncated) await env.reset();
    },
    iterations,
    2000,
  );
  await env.close();
  client.close();
  return stats;
}

/** Single-env CartPole step round trip over unary calls. */
export async function unaryStepLatency(target: string, iterations: number): Promise<LatencyStats> {
  const client = new EnvServiceClient(target, credentials.createInsecure());
  const call = <Req, Res>(
    fn: (req: Req, cb: (e: Error | null, r: Res) => void) => unknown,
    req: Req,
  ) =>
    new Promise<Res>((resolve, reject) =>
      fn.call(client, req, (e, r) => (e ? reject(e) : resolve(r))),
    );
  const made = await call<MakeRequest, MakeResponse>(client.make, {
    envId: "CartPole-v1",
    typedConfig: undefined,
    config: undefined,
    numEnvs: 0,
    renderMode: "",
    maxEpisodeSteps: 0,
  });
  const sessionId = made.sessionId;
  await call(client.reset, { sessionId, seed: 0, options: undefined });
  const actions = [0, 1].map(
    (a): StepRequest => ({
      sessionId,
      action: { kind: { $case: "tensor", value: encodeTensor(BigInt64Array.of(BigInt(a)), []) } },
    }),
  );
  let i = 0;
  const { stats } = await timeRoundTrips(
    async () => {
      const r = await call<StepRequest, StepResponse>(client.step, actions[i++ & 1]!);
      if (r.terminated?.data[0] || r.truncated?.data[0]) {
        await call(client.reset, { sessionId, seed: undefined, options: undefined });
      }
    },
    iterations,
    2000,
  );
  await call(client.closeSession, { sessionId });
  client.close();
  return stats;
}

/** Throughput of a vectorized session driven with random actions. */
export interface VectorThroughput {
  readonly numEnvs: number;
  readonly stepsPerSecond: number;
  readonly latency: LatencyStats;
}

/** 16 batches of random actions for `numEnvs` sub-envs (the same every call: seed 1). */
export function actionBatches(space: Space, numEnvs: number): SpaceValue[] {
  const rng = createRng(1);
  return Array.from({ length: 16 }, () => {
    // Discrete actions as one byte each (uint8 casts safely to the space's int64).
    if (space instanceof Discrete && space.start === 0 && space.n <= 256)
      return Uint8Array.from({ length: numEnvs }, () => rng.integers(0, space.n));
    const batch = createBatch(space, numEnvs);
    for (let i = 0; i < numEnvs; i++) writeBatchItem(space, batch, i, space.sample(rng));
    return batch;
  });
}

/** Env-steps per second of a vectorized session of `numEnvs` sub-envs of `envId` (CartPole-v1) at `target`. */
export async function vectorThroughput(
  target: string,
  numEnvs: number,
  seconds: number,
  envId = "CartPole-v1",
): Promise<VectorThroughput> {
  const client = connect(target);
  const env = await client.makeVec(envId, numEnvs);
  await env.reset({ seed: 0 });
  const batches = actionBatches(env.singleActionSpace, numEnvs);
  let i = 0;
  const once = () => env.step(batches[i++ & 15]!);
  // Size the run to about `seconds` from a short calibration.
  const calib = await timeRoundTrips(once, 200, 200);
  const iterations = Math.max(500, Math.round((seconds / calib.seconds) * 200));
  const { stats, seconds: took } = await timeRoundTrips(once, iterations, 100);
  await env.close();
  client.close();
  return { numEnvs, stepsPerSecond: (numEnvs * iterations) / took, latency: stats };
}
