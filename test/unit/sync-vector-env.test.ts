import { describe, expect, it } from "vitest";
import { BaseEnv } from "../../envs/core/base-env.js";
import type { Env, Info, ResetResult, StepResult } from "../../envs/core/env.js";
import { InvalidActionError, ResetNeededError } from "../../envs/core/errors.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict, type DictSpaceValue } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import { SyncVectorEnv } from "../../envs/core/vector/sync-vector-env.js";
import type { VectorResetResult, VectorStepResult } from "../../envs/core/vector/vector-env.js";
import { OrderEnforcing } from "../../envs/core/wrappers/order-enforcing.js";
import { TimeLimit } from "../../envs/core/wrappers/time-limit.js";
import { AsyncEnv, CounterEnv } from "./test-envs.js";

type Step = VectorStepResult;
const counts = (obs: unknown): number[] => {
  const a = obs as Float32Array;
  return Array.from({ length: a.length / 2 }, (_, i) => a[2 * i]!);
};
const actions = (...a: number[]) => BigInt64Array.from(a.map(BigInt));
const summary = (r: Step) => ({
  counts: counts(r.observation),
  reward: Array.from(r.reward),
  terminated: Array.from(r.terminated),
  truncated: Array.from(r.truncated),
});

describe("SyncVectorEnv spaces", () => {
  it("batches the single spaces", () => {
    const v = new SyncVectorEnv([new CounterEnv(), new CounterEnv(), new CounterEnv()]);
    expect(v.numEnvs).toBe(3);
    expect(String(v.singleObservationSpace)).toBe("Box(0.0, 1000.0, (2,), float32)");
    expect(String(v.observationSpace)).toBe("Box(0.0, 1000.0, (3, 2), float32)");
    expect(String(v.singleActionSpace)).toBe("Discrete(3)");
    expect(String(v.actionSpace)).toBe("MultiDiscrete([3 3 3])");
  });

  it("needs at least one env", () => {
    expect(() => new SyncVectorEnv([])).toThrow(TypeError);
  });
});

describe("SyncVectorEnv reset", () => {
  it("seeds sub-env i with seed + i", () => {
    const envs = [new CounterEnv(), new CounterEnv(), new CounterEnv()];
    const v = new SyncVectorEnv(envs);
    const r = v.reset({ seed: 10 }) as VectorResetResult;
    expect(envs.map((e) => e.calls)).toEqual([["reset(10)"], ["reset(11)"], ["reset(12)"]]);
    const obs = r.observation as Float32Array;
    for (let i = 0; i < 3; i++) {
      const alone = new CounterEnv().reset({ seed: 10 + i }).observation;
      expect(obs[2 * i + 1]).toBe(alone[1]);
    }
    expect(r.info).toEqual({ seed: Float64Array.of(10, 11, 12), _seed: Uint8Array.of(1, 1, 1) });
  });

  it("takes one seed per sub-env, undefined leaving that one unseeded", () => {
    const envs = [new CounterEnv(), new CounterEnv()];
    const v = new SyncVectorEnv(envs);
    const r = v.reset({ seed: [7, undefined] }) as VectorResetResult;
    expect(envs.map((e) => e.calls[0])).toEqual(["reset(7)", "reset()"]);
    expect(Array.from(r.info.seed as Float64Array)).toEqual([7, -1]);
    expect(() => v.reset({ seed: [1, 2, 3] })).toThrow(/expected 2 seeds, got 3/);
  });

  it("gives the same observations for the same seed", () => {
    const make = () => new SyncVectorEnv([new CounterEnv(), new CounterEnv()]);
    const a = (make().reset({ seed: 3 }) as VectorResetResult).observation as Float32Array;
    const b = (make().reset({ seed: 3 }) as VectorResetResult).observation as Float32Array;
    const c = (make().reset({ seed: 4 }) as VectorResetResult).observation as Float32Array;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it("passes options to every sub-env", () => {
    const seen: unknown[] = [];
    const env = new CounterEnv();
    const spy: Env = Object.assign(Object.create(env) as CounterEnv, {
      reset: (args: { options?: unknown } = {}) => {
        seen.push(args.options);
        return env.reset();
      },
    });
    new SyncVectorEnv([spy, spy]).reset({ options: { low: 1 } });
    expect(seen).toEqual([{ low: 1 }, { low: 1 }]);
  });
});

describe("SyncVectorEnv NEXT_STEP autoreset (Gymnasium 1.x)", () => {
  it("reproduces Gymnasium's SyncVectorEnv trace step for step", () => {
    // Gymnasium 1.4: SyncVectorEnv([Counter(2), Counter(3)]), reset(seed=10), step([1, 2]) five times.
    const envs = [new CounterEnv({ length: 2 }), new CounterEnv({ length: 3 })];
    const v = new SyncVectorEnv(envs);
    const r0 = v.reset({ seed: 10 }) as VectorResetResult;
    expect(counts(r0.observation)).toEqual([0, 0]);
    expect(r0.info).toEqual({ seed: Float64Array.of(10, 11), _seed: Uint8Array.of(1, 1) });

    const trace = Array.from({ length: 5 }, () => {
      const r = v.step(actions(1, 2)) as Step;
      return { ...summary(r), info: r.info };
    });
    expect(trace).toEqual([
      {
        counts: [1, 1],
        reward: [1, 2],
        terminated: [0, 0],
        truncated: [0, 0],
        info: { count: Float64Array.of(1, 1), _count: Uint8Array.of(1, 1) },
      },
      {
        counts: [2, 2],
        reward: [1, 2],
        terminated: [1, 0],
        truncated: [0, 0],
        info: {
          count: Float64Array.of(2, 2),
          _count: Uint8Array.of(1, 1),
          even: Uint8Array.of(1, 1),
          _even: Uint8Array.of(1, 1),
        },
      },
      {
        // Sub-env 0 resets: reset observation, reward 0, not done, its reset info.
        counts: [0, 3],
        reward: [0, 2],
        terminated: [0, 1],
        truncated: [0, 0],
        info: {
          seed: Float64Array.of(-1, 0),
          _seed: Uint8Array.of(1, 0),
          count: Float64Array.of(0, 3),
          _count: Uint8Array.of(0, 1),
        },
      },
      {
        counts: [1, 0],
        reward: [1, 0],
        terminated: [0, 0],
        truncated: [0, 0],
        info: {
          count: Float64Array.of(1, 0),
          _count: Uint8Array.of(1, 0),
          seed: Float64Array.of(0, -1),
          _seed: Uint8Array.of(0, 1),
        },
      },
      {
        counts: [2, 1],
        reward: [1, 2],
        terminated: [1, 0],
        truncated: [0, 0],
        info: {
          count: Float64Array.of(2, 1),
          _count: Uint8Array.of(1, 1),
          even: Uint8Array.of(1, 0),
          _even: Uint8Array.of(1, 0),
        },
      },
    ]);
    // The autoreset steps ignored their actions: the sub-env was reset (unseeded), not stepped.
    expect(envs[0]!.calls).toEqual([
      "reset(10)",
      "step(1)",
      "step(1)",
      "reset()",
      "step(1)",
      "step(1)",
    ]);
    expect(envs[1]!.calls).toEqual([
      "reset(11)",
      "step(2)",
      "step(2)",
      "step(2)",
      "reset()",
      "step(2)",
    ]);
  });

  it("continues the sub-env's RNG stream on autoreset (no reseeding)", () => {
    const env = new CounterEnv({ length: 1 });
    const v = new SyncVectorEnv([env]);
    v.reset({ seed: 5 });
    v.step(actions(0));
    const r = v.step(actions(0)) as Step;
    const reference = new CounterEnv();
    reference.reset({ seed: 5 });
    const second = reference.reset().observation;
    expect((r.observation as Float32Array)[1]).toBe(second[1]);
  });

  it("autoresets after truncation as after termination", () => {
    const v = new SyncVectorEnv([
      new TimeLimit(new CounterEnv(), 2),
      new TimeLimit(new CounterEnv(), 3),
    ]);
    v.reset({ seed: 0 });
    const rows = Array.from({ length: 4 }, () => summary(v.step(actions(1, 1)) as Step));
    expect(rows).toEqual([
      { counts: [1, 1], reward: [1, 1], terminated: [0, 0], truncated: [0, 0] },
      { counts: [2, 2], reward: [1, 1], terminated: [0, 0], truncated: [1, 0] },
      { counts: [0, 3], reward: [0, 1], terminated: [0, 0], truncated: [0, 1] },
      { counts: [1, 0], reward: [1, 0], terminated: [0, 0], truncated: [0, 0] },
    ]);
  });

  it("drops a pending autoreset when the vector env is reset", () => {
    const env = new CounterEnv({ length: 1 });
    const v = new SyncVectorEnv([env]);
    v.reset({ seed: 0 });
    expect(Array.from((v.step(actions(2)) as Step).terminated)).toEqual([1]);
    v.reset({ seed: 1 });
    const r = v.step(actions(2)) as Step;
    expect(Array.from(r.reward)).toEqual([2]);
    expect(env.calls).toEqual(["reset(0)", "step(2)", "reset(1)", "step(2)"]);
  });
});

describe("SyncVectorEnv actions", () => {
  it("rejects an invalid batch naming the sub-env's element, before stepping any env", () => {
    const envs = [new CounterEnv(), new CounterEnv()];
    const v = new SyncVectorEnv(envs);
    v.reset({ seed: 0 });
    try {
      v.step(actions(0, 3));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidActionError);
      expect((e as InvalidActionError).field).toBe("action[1]");
      expect((e as InvalidActionError).reason).toBe("= 3 is outside [0, 2]");
    }
    expect(() => v.step(Float64Array.of(0, 1))).toThrow(
      "action: dtype float64 cannot be safely cast to int64",
    );
    expect(() => v.step(actions(0))).toThrow(InvalidActionError);
    expect(envs[0]!.calls).toEqual(["reset(0)"]);
  });

  it("accepts integer arrays that cast safely to int64", () => {
    const v = new SyncVectorEnv([new CounterEnv(), new CounterEnv()]);
    v.reset({ seed: 0 });
    expect(Array.from((v.step(Int32Array.of(2, 1)) as Step).reward)).toEqual([2, 1]);
    expect(Array.from((v.step(Uint8Array.of(0, 2)) as Step).reward)).toEqual([0, 2]);
  });

  it("hands each sub-env its slice of a Box action batch", () => {
    const seen: number[][] = [];
    class BoxActionEnv extends CounterEnv {
      override readonly actionSpace = new Box(-1, 1, [2]) as never;
      override step(action: number) {
        seen.push(Array.from(action as unknown as Float32Array));
        return super.step(0);
      }
    }
    const v = new SyncVectorEnv([new BoxActionEnv(), new BoxActionEnv()]);
    expect(String(v.actionSpace)).toBe("Box(-1.0, 1.0, (2, 2), float32)");
    v.reset({ seed: 0 });
    v.step(Float32Array.of(0.5, -0.5, 1, -1));
    expect(seen).toEqual([
      [0.5, -0.5],
      [1, -1],
    ]);
    expect(() => v.step(Float32Array.of(0, 0, 0, 2))).toThrow(/^action\[1, 1\]: /);
  });

  it("surfaces the sub-envs' ResetNeededError when stepped before reset", () => {
    const v = new SyncVectorEnv([new OrderEnforcing(new CounterEnv())]);
    expect(() => v.step(actions(0))).toThrow(ResetNeededError);
  });
});

/** An env with a Dict observation holding a Box, a Discrete and a Tuple of Text. */
class DictObsEnv extends BaseEnv<DictSpaceValue, number> {
  readonly observationSpace = Dict.of([
    ["pos", new Box(-100, 100, [2])],
    ["k", new Discrete(3)],
    ["tag", new Tuple([new Text(4, 0, "ab")])],
  ]);
  readonly actionSpace = new Discrete(2);
  private t = 0;
  constructor(private readonly id: number) {
    super();
  }
  private obs(): DictSpaceValue {
    return {
      pos: Float32Array.of(this.id, this.t),
      k: (this.id + this.t) % 3,
      tag: ["ab".repeat(this.id % 3)],
    };
  }
  reset(): ResetResult<DictSpaceValue> {
    this.t = 0;
    return { observation: this.obs(), info: { nested: { id: this.id } } };
  }
  step(): StepResult<DictSpaceValue> {
    this.t += 1;
    const info: Info = this.id === 0 ? { vec: Float32Array.of(this.t, -this.t) } : {};
    return { observation: this.obs(), reward: 0, terminated: false, truncated: false, info };
  }
}

describe("SyncVectorEnv with structured observations", () => {
  it("stacks Dict, Discrete, Box and Text observations in the batched space's layout", () => {
    const v = new SyncVectorEnv([new DictObsEnv(0), new DictObsEnv(1), new DictObsEnv(2)]);
    expect(String(v.observationSpace)).toBe(
      "Dict('pos': Box(-100.0, 100.0, (3, 2), float32), 'k': MultiDiscrete([3 3 3]), " +
        "'tag': Tuple(Tuple(Text(0, 4, charset=ab), Text(0, 4, charset=ab), Text(0, 4, charset=ab))))",
    );
    const r = v.reset() as VectorResetResult;
    const obs = r.observation as DictSpaceValue;
    expect(Array.from(obs.pos as Float32Array)).toEqual([0, 0, 1, 0, 2, 0]);
    expect(obs.k).toEqual(BigInt64Array.of(0n, 1n, 2n));
    expect(obs.tag).toEqual([["", "ab", "abab"]]);
    expect(v.observationSpace.contains(obs)).toBe(true);
    expect(r.info).toEqual({
      nested: { id: Float64Array.of(0, 1, 2), _id: Uint8Array.of(1, 1, 1) },
      _nested: Uint8Array.of(1, 1, 1),
    });
    const s = v.step(new BigInt64Array(3)) as Step;
    const sobs = s.observation as DictSpaceValue;
    expect(Array.from(sobs.pos as Float32Array)).toEqual([0, 1, 1, 1, 2, 1]);
    expect(sobs.k).toEqual(BigInt64Array.of(1n, 2n, 0n));
    expect(v.observationSpace.contains(sobs)).toBe(true);
    // Array infos stack as (num_envs, ...) with zeros where absent, as Gymnasium's _add_info.
    expect(s.info).toEqual({
      vec: Float32Array.of(1, -1, 0, 0, 0, 0),
      _vec: Uint8Array.of(1, 0, 0),
    });
  });
});

describe("SyncVectorEnv with asynchronous sub-envs", () => {
  it("returns promises and the same results as synchronous envs", async () => {
    const sync = new SyncVectorEnv([new CounterEnv({ length: 2 }), new CounterEnv({ length: 3 })]);
    const async = new SyncVectorEnv([
      new AsyncEnv(new CounterEnv({ length: 2 })),
      new AsyncEnv(new CounterEnv({ length: 3 })),
    ]);
    const ra = async.reset({ seed: 1 });
    expect(ra).toBeInstanceOf(Promise);
    const rs = sync.reset({ seed: 1 }) as VectorResetResult;
    expect((await ra).observation).toEqual(rs.observation);
    for (let t = 0; t < 6; t++) {
      const a = actions(t % 3, (t + 1) % 3);
      const s = summary(sync.step(a) as Step);
      const p = async.step(a);
      expect(p).toBeInstanceOf(Promise);
      expect(summary(await p)).toEqual(s);
    }
  });
});

describe("SyncVectorEnv render and close", () => {
  it("renders every sub-env, reports the first one's render mode and closes all", () => {
    const envs = [new CounterEnv({ renderMode: "ansi" }), new CounterEnv({ renderMode: "ansi" })];
    const v = new SyncVectorEnv(envs);
    expect(v.renderMode).toBe("ansi");
    v.reset({ seed: 0 });
    v.step(actions(0, 0));
    expect(v.render()).toEqual(["count=1", "count=1"]);
    v.close();
    expect(envs.map((e) => e.closeCount)).toEqual([1, 1]);
  });
});
