import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { isTypedArray } from "../../envs/core/dtype.js";
import type { Info, InfoValue } from "../../envs/core/env.js";
import { batchItem } from "../../envs/core/vector/batching.js";
import {
  jsonInfoValue,
  jsonNumber,
  jsonObject,
  jsonSpaceRow,
  jsonSpaceValue,
} from "../json-values.js";
import type {
  DatasetWriter,
  RecordedEpisode,
  RecordingContext,
  TransitionRecord,
} from "../types.js";

const gzipAsync = promisify(gzip);

/**
 * Seed 001's JSONL: one transition per line with exactly the keys
 * t, seed, state, action, reward, next_state, action_mask, meta.
 * - action_mask is info["action_mask"] as booleans, or null.
 * - meta holds the env's other info entries (e.g. decision_time_ms,
 *   bp_window_tag), then episode_id, step, terminated, truncated,
 *   policy_id, the behavior-policy fields when given (behavior_prob,
 *   greedy_action, was_exploratory, epsilon) and the client's free-form meta.
 * - NaN and ±Infinity are the bare tokens NaN / Infinity / -Infinity, as
 *   Python's json writes and reads them by default.
 * Finished episodes go to `<stem>.episodes.jsonl` (`<stem>.episodes.jsonl.gz`
 * for .jsonl.gz) beside it: metadata and return-to-go per step.
 *
 * Durability: plain .jsonl lines are handed to the OS at the end of every
 * event-loop turn (a SIGKILL loses at most the lines of the turn in progress);
 * .jsonl.gz is written as one complete gzip member per finished episode, so a
 * kill loses only the episode in progress and the file stays readable.
 */
export class JsonlWriter implements DatasetWriter {
  readonly format: string;
  private readonly fd: number;
  private readonly episodesFd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private closed = false;
  private gzChain: Promise<void> = Promise.resolve();
  /** Episodes whose lines were streamed as they happened. */
  private readonly streamed = new Set<number>();
  /** Transition index for lines written per finished episode. */
  private nextT = 0;
  /** A write that failed outside a caller's call (the end-of-turn flush); reported on the next call. */
  private failed: unknown;

  constructor(
    readonly path: string,
    private readonly ctx: RecordingContext,
    private readonly gz: boolean,
  ) {
    this.format = gz ? "jsonl.gz" : "jsonl";
    this.fd = openSync(path, "w");
    const sidecar = `${path.replace(/\.jsonl(\.gz)?$/i, "")}.episodes.jsonl${gz ? ".gz" : ""}`;
    this.episodesFd = openSync(sidecar, "w");
  }

  writeTransition(r: TransitionRecord): void {
    if (this.failed) throw this.failed;
    this.streamed.add(r.episodeId);
    const { observationSpace, actionSpace } = this.ctx;
    const line = this.line(r, {
      state: jsonSpaceValue(observationSpace, r.observation),
      action: jsonSpaceValue(actionSpace, r.action),
      next: jsonSpaceValue(observationSpace, r.nextObservation),
    });
    this.pending.push(line);
    this.pendingBytes += line.length;
    // .gz lines wait for their episode's member; plain lines go out this turn.
    if (this.gz) return;
    if (this.pendingBytes > 1 << 16) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** A transition's line, its state, action and next_state already formatted. */
  private line(r: LineFields, text: { state: string; action: string; next: string }): string {
    return (
      `{"t":${r.t},"seed":${r.seed === undefined ? "null" : r.seed},` +
      `"state":${text.state},"action":${text.action},"reward":${jsonNumber(r.reward)},` +
      `"next_state":${text.next},"action_mask":${actionMask(r.info)},"meta":${this.meta(r)}}\n`
    );
  }

  async writeEpisode(ep: RecordedEpisode): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.streamed.delete(ep.meta.episodeId)) this.queueEpisodeLines(ep);
    if (this.gz) {
      // Lines of every sub-env share the buffer; each finished episode flushes all that is pending.
      const text = this.pending.join("");
      this.pending = [];
      this.pendingBytes = 0;
      if (text) {
        const member = gzipAsync(Buffer.from(text));
        this.gzChain = this.gzChain.then(async () => {
          writeSync(this.fd, await member);
        });
        await this.gzChain;
      }
    } else {
      this.flush();
      if (this.failed) throw this.failed;
    }
    const m = ep.meta;
    const record: Record<string, InfoValue | undefined> = {
      episode_id: m.episodeId,
      seed: m.seed,
      env_id: m.envId,
      policy_id: m.policyId,
      sub_env: m.subEnv,
      length: m.length,
      total_return: m.totalReturn,
      return_to_go_at_start: m.length > 0 ? ep.returnsToGo[0]! : 0,
      termination_reason: m.terminationReason,
      success: m.success,
      trajectory_hash: m.trajectoryHash,
      schema_version: m.schemaVersion,
      started_at: m.startedAt,
      ended_at: m.endedAt,
      config: m.config as Record<string, InfoValue>,
      reset_info: m.resetInfo,
      returns_to_go: ep.returnsToGo,
    };
    const line = `${jsonObject(record)}\n`;
    if (this.gz) {
      // Chained like the lines, so concurrent episodes keep their order.
      const member = gzipAsync(Buffer.from(line));
      this.gzChain = this.gzChain.then(async () => {
        writeSync(this.episodesFd, await member);
      });
      await this.gzChain;
    } else {
      writeSync(this.episodesFd, line);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.gz && this.pending.length > 0) {
      const text = this.pending.join("");
      this.pending = [];
      const member = await gzipAsync(Buffer.from(text));
      await this.gzChain;
      writeSync(this.fd, member);
    }
    await this.gzChain;
    this.flush();
    this.closed = true;
    if (this.failed) throw this.failed;
    fsyncSync(this.fd);
    fsyncSync(this.episodesFd);
    closeSync(this.fd);
    closeSync(this.episodesFd);
  }

  // Lines of an episode that was not streamed (recordings that drop partial episodes).
  private queueEpisodeLines(ep: RecordedEpisode): void {
    const { observationSpace, actionSpace } = this.ctx;
    const p = ep.policy;
    // Each observation row is formatted once: it is one step's next_state and the next step's state.
    let state = jsonSpaceRow(observationSpace, ep.observations, 0);
    for (let j = 0; j < ep.meta.length; j++) {
      const explore = p.wasExploratory[j]!;
      const next = jsonSpaceRow(observationSpace, ep.observations, j + 1);
      const text = { state, action: jsonSpaceRow(actionSpace, ep.actions, j), next };
      state = next;
      const line = this.line(
        {
          t: this.nextT++,
          step: j,
          episodeId: ep.meta.episodeId,
          subEnv: ep.meta.subEnv,
          seed: ep.meta.seed,
          reward: ep.rewards[j]!,
          terminated: ep.terminations[j] === 1,
          truncated: ep.truncations[j] === 1,
          info: ep.infos[j] ?? {},
          policy: {
            behaviorProb: Number.isNaN(p.behaviorProb[j]!) ? undefined : p.behaviorProb[j],
            epsilon: Number.isNaN(p.epsilon[j]!) ? undefined : p.epsilon[j],
            wasExploratory: explore === 255 ? undefined : explore === 1,
            greedyAction:
              p.greedyActions === undefined
                ? undefined
                : batchItem(actionSpace, p.greedyActions, j),
            policyId: p.policyIds[j],
            meta: p.meta[j],
          },
        },
        text,
      );
      this.pending.push(line);
      this.pendingBytes += line.length;
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.gz || this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, text);
    } catch (err) {
      this.failed ??= err;
    }
  }

  // The meta object written directly as JSON: fixed keys first, then optional ones.
  private meta(r: LineFields): string {
    let out = "{";
    for (const k of Object.keys(r.info)) {
      if (k !== "action_mask") out += `${JSON.stringify(k)}:${jsonInfoValue(r.info[k])},`;
    }
    const p = r.policy;
    out +=
      `"episode_id":${r.episodeId},"step":${r.step},"terminated":${r.terminated},"truncated":${r.truncated},` +
      `"policy_id":${JSON.stringify(p?.policyId ?? this.ctx.policyId)}`;
    if (p) {
      if (p.behaviorProb !== undefined) out += `,"behavior_prob":${jsonNumber(p.behaviorProb)}`;
      if (p.wasExploratory !== undefined) out += `,"was_exploratory":${p.wasExploratory}`;
      if (p.epsilon !== undefined) out += `,"epsilon":${jsonNumber(p.epsilon)}`;
      if (p.greedyAction !== undefined) {
        out += `,"greedy_action":${jsonSpaceValue(this.ctx.actionSpace, p.greedyAction)}`;
      }
      if (p.meta)
        for (const [k, v] of Object.entries(p.meta))
          out += `,${JSON.stringify(k)}:${jsonInfoValue(v as InfoValue)}`;
    }
    return `${out}}`;
  }
}

/** What a line needs of a transition besides its formatted values. */
type LineFields = Omit<TransitionRecord, "observation" | "action" | "nextObservation">;

function actionMask(info: Info): string {
  const m = info.action_mask;
  if (m === undefined) return "null";
  if (isTypedArray(m) || Array.isArray(m)) {
    const a = m as ArrayLike<unknown>;
    let out = "[";
    for (let i = 0; i < a.length; i++) out += (i === 0 ? "" : ",") + (a[i] ? "true" : "false");
    return `${out}]`;
  }
  return jsonInfoValue(m);
}

/** Opens a .jsonl writer. */
export const createJsonlWriter = async (path: string, ctx: RecordingContext) =>
  new JsonlWriter(path, ctx, false);

/** Opens a .jsonl.gz writer. */
export const createJsonlGzWriter = async (path: string, ctx: RecordingContext) =>
  new JsonlWriter(path, ctx, true);
