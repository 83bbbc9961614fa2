import { describe, expect, it } from "vitest";
import { BaseEnv } from "../../envs/core/base-env.js";
import type { TypedArray } from "../../envs/core/dtype.js";
import type { Info, ResetResult, StepResult } from "../../envs/core/env.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { RecordingEnv } from "../../recorders/recording-env.js";
import { createMemoryRecorder } from "../helpers/memory-recorder.js";

/** Reuses one info object and one array in it for every call, as fast envs may. */
class ReusingInfoEnv extends BaseEnv<TypedArray, number> {
  readonly observationSpace = new Box(0, 100, [1], "float32");
  readonly actionSpace = new Discrete(2);
  private readonly info: Info = { count: 0, trace: new Float64Array(2) };
  private count = 0;

  reset(): ResetResult<TypedArray> {
    this.count = 0;
    this.touch();
    return { observation: Float32Array.of(0), info: this.info };
  }

  step(): StepResult<TypedArray> {
    this.count++;
    this.touch();
    return {
      observation: Float32Array.of(this.count),
      reward: 1,
      terminated: this.count === 4,
      truncated: false,
      info: this.info,
    };
  }

  private touch(): void {
    this.info.count = this.count;
    (this.info.trace as Float64Array).fill(this.count);
  }
}

describe("RecordingEnv", () => {
  it("keeps each step's info as it was, even when the env reuses the object", async () => {
    const env = new RecordingEnv(new ReusingInfoEnv());
    const { recorder, episodes } = createMemoryRecorder(
      "Reuse-v0",
      env.observationSpace,
      env.actionSpace,
    );
    env.attach(recorder);
    await env.reset({ seed: 1 });
    for (let t = 0; t < 4; t++) await env.step(0);
    await recorder.close();
    const ep = episodes[0]!;
    expect(ep.meta.resetInfo.count).toBe(0);
    expect(ep.infos.map((i) => i.count)).toEqual([1, 2, 3, 4]);
    expect(ep.infos.map((i) => Array.from(i.trace as Float64Array))).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });
});
