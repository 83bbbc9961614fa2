import type { TypedArray } from "../envs/core/dtype.js";
import type { Info } from "../envs/core/env.js";
import { copyInfo } from "./clone-value.js";
import { createColumns } from "./columns.js";
import { buildEpisode } from "./episode-builder.js";
import type { GatheredRows, StepLog } from "./step-log.js";
import { loggedSubEnvInfo } from "./sub-env-info.js";
import { subEnvPolicy } from "./sub-env-policy.js";
import type {
  RecordedEpisode,
  RecordingContext,
  StepPolicyInfo,
  TerminationReason,
} from "./types.js";

/** An episode being recorded, as the Recorder sees it. */
export interface EpisodeSource {
  /** True between the episode's start and its finish. */
  readonly isActive: boolean;
  /** Dataset-wide id of the current episode. */
  readonly currentEpisodeId: number;
  /** Steps recorded so far in the current episode. */
  readonly length: number;
  /** Ends the episode and hands it over; the source is then idle. */
  finish(reason: TerminationReason): RecordedEpisode;
  /** Drops the episode without writing it. */
  discard(): void;
}

/**
 * Sub-env i's episode inside a StepLog: only where it starts is kept per step; its rows
 * are gathered out of the log when it ends (or, for very long episodes, in pieces as the
 * log frees old entries).
 */
export class LoggedEpisode implements EpisodeSource {
  private active = false;
  private episodeId = -1;
  /** First entry of the rows not yet gathered. */
  private start = 0;
  /** Whether `start` itself holds a transition (true after a piece was gathered). */
  private withFirst = false;
  private pieces: GatheredRows[] = [];
  private piecesLength = 0;
  private seed: number | undefined;
  private resetInfo: Info = {};
  private startedAt = 0;

  constructor(
    private readonly log: StepLog,
    private readonly ctx: RecordingContext,
    readonly subEnv: number,
    private readonly nextEpisodeId: () => number,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  get currentEpisodeId(): number {
    return this.episodeId;
  }

  /** Entry the episode's rows not yet gathered start at (the log keeps it). */
  get firstEntry(): number {
    return this.start;
  }

  get length(): number {
    if (!this.active) return 0;
    const last = this.log.nextEntry - 1;
    return this.piecesLength + (last - this.start) + (this.withFirst ? 1 : 0);
  }

  /** Starts an episode whose first observation is in entry `entry`. */
  begin(entry: number, seed: number | undefined, resetInfo: Info): void {
    this.discard();
    this.start = entry;
    this.withFirst = false;
    this.startedAt = this.log.timeOf(entry);
    this.seed = seed;
    this.resetInfo = copyInfo(resetInfo);
    this.episodeId = this.nextEpisodeId();
    this.active = true;
  }

  /** Gathers the rows before entry `cut` so the log can free them. */
  spill(cut: number): void {
    if (!this.active || this.start >= cut) return;
    const piece = this.log.gather(this.subEnv, this.start, cut - 1, this.withFirst);
    this.pieces.push(piece);
    this.piecesLength += piece.rewards.length;
    this.start = cut;
    this.withFirst = true;
  }

  finish(reason: TerminationReason): RecordedEpisode {
    const last = this.log.nextEntry - 1;
    const rows = [...this.pieces, this.log.gather(this.subEnv, this.start, last, this.withFirst)];
    const all = rows.length === 1 ? rows[0]! : concatRows(rows);
    const i = this.subEnv;
    const space = this.ctx.actionSpace;
    const n = all.rewards.length;
    const policies: (StepPolicyInfo | undefined)[] = new Array(n);
    let greedyCount = 0;
    let anyPolicy = false;
    for (let t = 0; t < n; t++) {
      const p = all.policies[t] as StepPolicyInfo | undefined;
      if (!p) continue;
      anyPolicy = true;
      const mine = subEnvPolicy(p, i, space);
      policies[t] = mine;
      if (mine.greedyAction !== undefined) greedyCount++;
    }
    const stepInfos = all.infos;
    const infoOf = (t: number): Info => {
      const info = stepInfos[t];
      return info ? loggedSubEnvInfo(info, i) : EMPTY_INFO;
    };
    let greedyActions: RecordedEpisode["actions"] | undefined;
    if (n > 0 && greedyCount === n) {
      const cols = createColumns(space);
      for (const p of policies) cols.append(p!.greedyAction!);
      greedyActions = cols.take();
    }
    const episode = buildEpisode(
      this.ctx,
      {
        episodeId: this.episodeId,
        subEnv: i,
        seed: this.seed,
        resetInfo: this.resetInfo,
        startedAt: this.startedAt,
        endedAt: this.log.timeOf(last),
        observations: this.log.observationsOf(all.observations),
        actions: this.log.actionsOf(all.actions),
        rewards: all.rewards,
        returnsBuffer: this.log.arena.take("float64", n) as Float64Array,
        terminations: all.terminated,
        truncations: all.truncated,
        infos: () => Array.from({ length: n }, (_, t) => infoOf(t)),
        lastInfo: n > 0 ? infoOf(n - 1) : undefined,
        policies: anyPolicy ? policies : NO_POLICIES,
        greedyActions,
      },
      reason,
    );
    this.clear();
    return episode;
  }

  discard(): void {
    this.clear();
  }

  private clear(): void {
    this.active = false;
    this.pieces = [];
    this.piecesLength = 0;
  }
}

const EMPTY_INFO: Info = Object.freeze({}) as Info;
/** Read as "no step carried policy metadata" (every entry undefined). */
const NO_POLICIES: readonly (StepPolicyInfo | undefined)[] = [];

/** Pieces of one sub-env's rows, joined in order. */
function concatRows(rows: readonly GatheredRows[]): GatheredRows {
  const leaves = (pick: (r: GatheredRows) => (TypedArray | string[])[]) =>
    pick(rows[0]!).map((_, j) => concatLeaf(rows.map((r) => pick(r)[j]!)));
  return {
    observations: leaves((r) => r.observations),
    actions: leaves((r) => r.actions),
    rewards: concatLeaf(rows.map((r) => r.rewards)) as Float64Array,
    terminated: concatLeaf(rows.map((r) => r.terminated)) as Uint8Array,
    truncated: concatLeaf(rows.map((r) => r.truncated)) as Uint8Array,
    infos: rows.flatMap((r) => r.infos),
    policies: rows.flatMap((r) => r.policies),
  };
}

function concatLeaf(parts: readonly (TypedArray | string[])[]): TypedArray | string[] {
  const first = parts[0]!;
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new (first.constructor as new (n: number) => TypedArray)(total);
  let o = 0;
  for (const p of parts as TypedArray[]) {
    (out as Float64Array).set(p as Float64Array, o);
    o += p.length;
  }
  return out;
}
