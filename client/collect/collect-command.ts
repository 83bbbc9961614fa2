import { basename, dirname, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import { Command, InvalidArgumentError, Option } from "commander";
import { pino } from "pino";
import { closeMatches } from "../../envs/core/config.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { resolveFormat } from "../../recorders/output-path.js";
import { startServer } from "../../server/create-server.js";
import { connect } from "../connect.js";
import type { DatasetStats } from "../recording.js";
import { type CollectPlan, collect } from "./collect.js";
import { MASKED_POLICIES, policiesFor } from "./policies.js";

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};

/** Parses repeated --config key=value pairs (numbers and booleans keep their type). */
function configPair(v: string, acc: Record<string, unknown>): Record<string, unknown> {
  const eq = v.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`--config takes key=value, got "${v}"`);
  const key = v.slice(0, eq);
  const raw = v.slice(eq + 1);
  const num = Number(raw);
  acc[key] =
    raw === "true"
      ? true
      : raw === "false"
        ? false
        : raw.trim() !== "" && !Number.isNaN(num)
          ? num
          : raw;
  return acc;
}

/** The `gymrpc collect` command: seed 000's expert-dataset script over gRPC, recorded by the server. */
export function collectCommand(): Command {
  return new Command("collect")
    .description("run a behavior policy on an env and have the server record the dataset")
    .requiredOption("--env <id>", "env id, e.g. SdnRouting-v0")
    .option("--config <key=value>", "env setting (repeatable)", configPair, {})
    .option("--episodes <n>", "episodes to collect", int("--episodes", 1), 50)
    .option(
      "--steps <n>",
      "steps per episode (0: the env's own limit; default 50, the env's own limit for the robot and optical envs)",
      int("--steps", 0),
    )
    .option(
      "--policy <name>",
      "zeros, random, or expert (where the env has one); ksp-ff or random for OpticalRouting-v0",
      "random",
    )
    .option("--epsilon <p>", "ε-greedy around the policy (μ(a|s) is recorded)", parseFloat, 0)
    .option(
      "--epsilon-mix <p>",
      "path-choice envs (OpticalRouting-v0), ksp-ff: take the second feasible path with probability p",
      parseFloat,
      0,
    )
    .option("--seed <n>", "seed of episode 0 (episode k uses seed + k)", int("--seed", 0), 0)
    .option(
      "--num-envs <n>",
      "at most this many sub-envs collecting in parallel (the dataset does not depend on it; default 64, 1 with a Ryu controller)",
      int("--num-envs", 1),
    )
    .option(
      "--out <path>",
      "dataset: .npz, .jsonl, .jsonl.gz, .h5, .d4rl.h5, or a directory for Minari",
      "expert_dataset.npz",
    )
    .option(
      "--server <host:port>",
      "a running gymrpc server (--out is then inside its record directory)",
    )
    .option("--no-overwrite", "refuse to replace an existing dataset")
    .option(
      "--compression-level <n>",
      "0 (none, as np.savez) to 9; default: the format's (npz deflate 1, hdf5 gzip 4, d4rl and minari none, jsonl.gz 6)",
      int("--compression-level", 0),
    )
    .option("--ryu <url>", "SDN: use a Ryu controller at this URL (sets backend=ryu, ryu_url)")
    .option("--traffic-pairs <pairs>", 'SDN: host pairs, e.g. "h1:h2,h2:h3"')
    .option("--bw <bw>", "SDN: bandwidth of each flow, e.g. 10M")
    .option("--duration <s>", "SDN: flow duration in seconds", parseFloat)
    .addOption(new Option("--quiet", "no progress output"))
    .action(async (o) => {
      const code = await runCollect(o);
      process.exitCode = code;
    });
}

/**
 * Envs whose episodes keep their own limit unless --steps is given: seed 002's
 * max_steps 200, and OpticalRouting-v0's requests_per_episode (1000), whose
 * reset loads the network with 1000 warm-up requests that a 50-step episode
 * would waste.
 */
export const OWN_LIMIT_ENVS: readonly string[] = [
  "RobotReach-v0",
  "PickPlace-v0",
  "OpticalRouting-v0",
];

interface CollectFlags {
  env: string;
  config: Record<string, unknown>;
  episodes: number;
  steps?: number;
  policy: string;
  epsilon: number;
  epsilonMix?: number;
  seed: number;
  numEnvs?: number;
  out: string;
  server?: string;
  overwrite: boolean;
  compressionLevel?: number;
  ryu?: string;
  trafficPairs?: string;
  bw?: string;
  duration?: number;
  quiet?: boolean;
}

/** Validates the flags, runs the collection and prints the seed's summary; returns the exit code. */
export async function runCollect(o: CollectFlags): Promise<number> {
  // Bad flags are reported before any work starts.
  const registry = createDefaultRegistry();
  if (!registry.ids().includes(o.env)) {
    const near = closeMatches(o.env, registry.ids());
    throw new InvalidArgumentError(
      `unknown env "${o.env}"${near.length ? `; did you mean ${near.join(", ")}?` : ""}`,
    );
  }
  const policies = policiesFor(o.env);
  if (!policies.includes(o.policy)) {
    throw new InvalidArgumentError(
      `${o.env} has no "${o.policy}" policy; use one of ${policies.join(", ")}`,
    );
  }
  if (!(o.epsilon >= 0 && o.epsilon <= 1))
    throw new InvalidArgumentError("--epsilon must be in [0, 1]");
  const mix = o.epsilonMix ?? 0;
  if (!(mix >= 0 && mix <= 1)) throw new InvalidArgumentError("--epsilon-mix must be in [0, 1]");
  const masked = MASKED_POLICIES[o.env] !== undefined;
  if (masked && o.epsilon > 0)
    throw new InvalidArgumentError(`${o.env} explores with --epsilon-mix, not --epsilon`);
  if (mix > 0 && !(masked && o.policy === "ksp-ff"))
    throw new InvalidArgumentError(
      "--epsilon-mix applies to the ksp-ff policy of path-choice envs",
    );
  try {
    resolveFormat(o.out.replace(/[\\/]+$/, ""), "");
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^record\.name: /, "--out: "));
  }
  const config = { ...o.config };
  // Path-choice envs record measured decision times unless told otherwise.
  if (masked && config.measure_time === undefined) config.measure_time = true;
  if (o.ryu) Object.assign(config, { backend: "ryu", ryu_url: o.ryu });
  if (o.trafficPairs) config.traffic_pairs = o.trafficPairs;
  if (o.bw) config.bandwidth = o.bw;
  if (o.duration !== undefined) config.flow_duration = o.duration;
  // A Ryu controller runs one network: sub-envs of one session would fight over its switches.
  const ryu = config.backend === "ryu";
  if (ryu && o.numEnvs !== undefined && o.numEnvs > 1) {
    throw new InvalidArgumentError(
      `--num-envs must be 1 with a Ryu controller (backend=ryu), got ${o.numEnvs}: one controller runs one network, whose switches sub-envs would fight over`,
    );
  }
  // 64: each round trip carries enough steps to amortize it (the default 50 episodes run as one block).
  const numEnvs = o.numEnvs ?? (ryu ? 1 : 64);

  // Seed 000's 50 steps by default; robot and optical episodes run to their own limit.
  const steps = o.steps ?? (OWN_LIMIT_ENVS.includes(o.env) ? 0 : 50);
  const out = o.out.replace(/[\\/]+$/, "");
  const embedded = o.server
    ? undefined
    : await startServer("127.0.0.1:0", {
        registry,
        logger: pino({ level: "warn" }),
        recordDir: dirname(resolve(out)),
      });
  const client = connect(o.server ?? embedded!.address);
  const plan: CollectPlan = {
    envId: o.env,
    config,
    episodes: o.episodes,
    steps: steps || undefined,
    policy: o.policy,
    // For path-choice envs the policy's ε is the epsilon-mix (recorded as the step's epsilon).
    epsilon: masked ? mix : o.epsilon,
    seed: o.seed,
    numEnvs,
    name: o.server ? out : basename(out),
    overwrite: o.overwrite,
    compressionLevel: o.compressionLevel,
  };
  const total = steps ? o.episodes * steps : 0;
  const bar = createProgress(!o.quiet, total, o.episodes);
  const start = performance.now();
  try {
    const result = await collect(client, plan, (p) => bar.update(p.stepsDone, p.episodesDone));
    bar.stop();
    const secs = (performance.now() - start) / 1000;
    printSummary(result.stats, secs);
    process.stdout.write(
      `Saved expert dataset to ${result.stats.outputPath} with ${result.stats.totalSteps} samples ` +
        `(state_dim=${result.stateDim}, action_dim=${result.actionDim})\n`,
    );
    return 0;
  } finally {
    bar.stop();
    client.close();
    await embedded?.shutdown(2000);
  }
}

interface Progress {
  update(steps: number, episodes: number): void;
  stop(): void;
}

// A bar with steps/s and ETA on a terminal; a plain line every ~10% otherwise.
function createProgress(enabled: boolean, totalSteps: number, episodes: number): Progress {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format:
        "collecting [{bar}] {percentage}% | {value}/{total} steps | {episodes} episodes | {speed} steps/s | ETA {eta_formatted}",
      stream: process.stderr,
      hideCursor: true,
    });
    const t0 = performance.now();
    bar.start(totalSteps || episodes, 0, { episodes: 0, speed: 0 });
    let stopped = false;
    return {
      update: (steps, eps) => {
        const speed = Math.round(steps / Math.max(1e-3, (performance.now() - t0) / 1000));
        bar.update(totalSteps ? steps : eps, { episodes: eps, speed });
      },
      stop: () => {
        if (!stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let lastTenth = -1;
  const t0 = performance.now();
  return {
    update: (steps, eps) => {
      const tenth = Math.floor((eps / episodes) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const speed = Math.round(steps / Math.max(1e-3, (performance.now() - t0) / 1000));
      process.stderr.write(
        `collected ${eps}/${episodes} episodes, ${steps} steps (${speed} steps/s)\n`,
      );
    },
    stop: () => {},
  };
}

function printSummary(st: DatasetStats, secs: number): void {
  const rows: [string, string][] = [
    ["Episodes", String(st.totalEpisodes)],
    ["Total steps", String(st.totalSteps)],
    ["Mean length", st.meanEpisodeLength.toFixed(1)],
    ["Mean reward", st.meanReward.toFixed(2)],
    [
      "Success rate",
      st.successRate === undefined ? "n/a" : `${(st.successRate * 100).toFixed(1)}%`,
    ],
    ["File size", `${st.fileSizeMb.toFixed(2)} MB`],
    ["Output path", st.outputPath],
    ["Time", `${secs.toFixed(2)} s`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${`${k}:`.padEnd(15)}${v}\n`);
}
