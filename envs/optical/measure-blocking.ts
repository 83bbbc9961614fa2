import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../core/config.js";
import type { DictSpaceValue } from "../core/spaces/dict.js";
import { OpticalRoutingEnv } from "./optical-routing.js";
import {
  opticalOptionsFromConfig,
  opticalRoutingRegistration,
} from "./optical-routing-registration.js";

/** KSP-FF blocking probability at one load, and the in-process decision rate. */
export interface BlockingFigure {
  readonly loadErlang: number;
  readonly blockingProbability: number;
  readonly decisions: number;
  readonly decisionsPerSecond: number;
}

/** Runs KSP-FF for `episodes` episodes (seeds 0..episodes-1) at `load` Erlang without failures. */
export function measureBlocking(
  load: number,
  episodes: number,
  config: Record<string, unknown> = {},
): BlockingFigure {
  const opts = opticalOptionsFromConfig(
    resolveConfig(opticalRoutingRegistration.config, {
      ...config,
      load_erlang: load,
      failure_type: "none",
    }),
  );
  const env = new OpticalRoutingEnv(opts);
  let blocked = 0;
  let decisions = 0;
  let stepMs = 0;
  for (let seed = 0; seed < episodes; seed++) {
    let obs = env.reset({ seed }).observation as DictSpaceValue;
    const t0 = performance.now();
    for (;;) {
      const mask = obs.action_mask as Int8Array;
      const r = env.step(Math.max(0, mask.indexOf(1)));
      decisions++;
      if (r.reward < 0) blocked++;
      obs = r.observation as DictSpaceValue;
      if (r.truncated) break;
    }
    stepMs += performance.now() - t0;
  }
  return {
    loadErlang: load,
    blockingProbability: blocked / decisions,
    decisions,
    decisionsPerSecond: decisions / (stepMs / 1000),
  };
}

// `npx tsx envs/optical/measure-blocking.ts [episodes] [load...] [--json FILE]` prints the README's
// table; --json also writes the figures for scripts/plot-optical-blocking.py.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const j = args.indexOf("--json");
  const jsonPath = j >= 0 ? args.splice(j, 2)[1] : undefined;
  const [episodes = "20", ...loads] = args;
  const list = loads.length > 0 ? loads.map(Number) : [200, 300, 400, 500, 600, 800];
  process.stdout.write(
    "| load (Erlang) | KSP-FF blocking probability | decisions | decisions/s |\n",
  );
  process.stdout.write("|---:|---:|---:|---:|\n");
  const figures: BlockingFigure[] = [];
  for (const load of list) {
    const f = measureBlocking(load, Number(episodes));
    figures.push(f);
    process.stdout.write(
      `| ${load} | ${(f.blockingProbability * 100).toFixed(2)}% | ${f.decisions} | ${Math.round(f.decisionsPerSecond)} |\n`,
    );
  }
  if (jsonPath) {
    const out = {
      topology: "nsfnet",
      policy: "ksp-ff",
      episodes: Number(episodes),
      figures: figures.map((f) => ({
        loadErlang: f.loadErlang,
        blockingProbability: f.blockingProbability,
        decisions: f.decisions,
      })),
    };
    writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
  }
}
