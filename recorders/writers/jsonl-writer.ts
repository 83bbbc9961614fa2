import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { promisify } from "node:util";
import { gzip, type ZlibOptions } from "node:zlib";
import { isTypedArray } from "../../envs/core/dtype.js";
import type { Info, InfoValue } from "../../envs/core/env.js";
import { batchItem } from "../../envs/core/vector/batching.js";
import { JsonSink, keyBytes, utf8Bytes } from "../json-sink.js";
import { jsonObject, writeInfoValue, writeSpaceRow, writeSpaceValue } from "../json-values.js";
import type {
  DatasetWriter,
  RecordedEpisode,
  RecordingContext,
  StepPolicyInfo,
  TransitionRecord,
} from "../types.js";

const gzipAsync = promisify(gzip);

/** Plain lines go out once this much is pending, without waiting for the end of the turn. */
const FLUSH_BYTES = 1 << 16;

/**
 * Seed 001's JSONL: one transition per line with exactly the keys
 * t, seed, state, action, reward, next_state, action_mask, meta.
 * - action_mask is info["action_mask"] as booleans, or null.
 * - meta holds the env's other info entries (e.g. decision_time_ms,
 *   bp_window_tag), then episode_id, step, terminated, truncated,
 *   policy_id, the behavior-policy fields when given (behavior_prob,
 *   greedy_action, was_exploratory, epsilon) and the client's free-form meta.
 * - float32 values (float32 Box elements, float32 arrays in info) are the
 *   shortest decimal that reads back as the same float32 (0.1, not
 *   0.10000000149011612); other numbers are JavaScript's shortest text,
 *   exact for doubles.
 * - NaN and ±Infinity are the bare tokens NaN / Infinity / -Infinity, as
 *   Python's json writes and reads them by default.
 * Finished episodes go to `<stem>.episodes.jsonl` (`<stem>.episodes.jsonl.gz`
 * for .jsonl.gz) beside it: metadata and return-to-go per step.
 *
 * Durability: plain .jsonl lines are handed to the OS at the end of every
 * event-loop turn (a SIGKILL loses at most the lines of the turn in progress);
 * .jsonl.gz is written as one complete gzip member per finished episode, so a
 * kill loses only the episode in progress and the file stays readable.
 *
 * Lines are written as bytes straight into one buffer (JsonSink): no string
 * per number or line, nothing to join or encode when the buffer goes out.
 */
export class JsonlWriter implements DatasetWriter {
  readonly format: string;
  private readonly fd: number;
  private readonly episodesFd: number;
  /** Lines not yet written out. */
  private readonly out = new JsonSink(FLUSH_BYTES * 2);
  private flushScheduled = false;
  private closed = false;
  private gzChain: Promise<void> = Promise.resolve();
  /** Episodes whose lines were streamed as they happened. */
  private readonly streamed = new Set<number>();
  /** Transition index for lines written per finished episode. */
  private nextT = 0;
  /** A write that failed outside a caller's call (the end-of-turn flush); reported on the next call. */
  private failed: unknown;
  /** `"key":` of info and client meta keys, encoded once (the same few keys on every line). */
  private readonly keys = new Map<string, Uint8Array>();
  private readonly defaultPolicyId: Uint8Array;
  /** The last policy id written and its bytes (collectors pass the same one on every line). */
  private policyId: string | undefined;
  private policyIdBytes: Uint8Array = utf8Bytes("null");

  /** zlib options of the .gz members. */
  private readonly gzOptions: ZlibOptions;

  /** @param gzipLevel gzip level of a .gz dataset's members (default zlib's, 6) */
  constructor(
    readonly path: string,
    private readonly ctx: RecordingContext,
    private readonly gz: boolean,
    gzipLevel?: number,
  ) {
    this.gzOptions = gzipLevel === undefined ? {} : { level: gzipLevel };
    this.format = gz ? "jsonl.gz" : "jsonl";
    this.defaultPolicyId = utf8Bytes(JSON.stringify(ctx.policyId));
    this.fd = openSync(path, "w");
    const sidecar = `${path.replace(/\.jsonl(\.gz)?$/i, "")}.episodes.jsonl${gz ? ".gz" : ""}`;
    this.episodesFd = openSync(sidecar, "w");
  }

  writeTransition(r: TransitionRecord): void {
    if (this.failed) throw this.failed;
    this.streamed.add(r.episodeId);
    const { observationSpace, actionSpace } = this.ctx;
    const o = this.out;
    this.lineStart(r);
    writeSpaceValue(o, observationSpace, r.observation);
    o.raw(ACTION);
    writeSpaceValue(o, actionSpace, r.action);
    this.reward(r.reward);
    writeSpaceValue(o, observationSpace, r.nextObservation);
    this.lineEnd(r);
    // .gz lines wait for their episode's member; plain lines go out this turn.
    if (this.gz) return;
    if (o.pos > FLUSH_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  // A line is written in the seed's key order: lineStart, state, action, reward, next_state, lineEnd.
  private lineStart(r: LineFields): void {
    const o = this.out;
    o.raw(T);
    o.number(r.t);
    o.raw(SEED);
    if (r.seed === undefined) o.raw(NULL);
    else o.number(r.seed);
    o.raw(STATE);
  }

  private reward(reward: number): void {
    const o = this.out;
    o.raw(REWARD);
    o.number(reward);
    o.raw(NEXT_STATE);
  }

  private lineEnd(r: LineFields): void {
    const o = this.out;
    o.raw(ACTION_MASK);
    this.actionMask(r.info);
    o.raw(META);
    this.meta(r);
    o.raw(LINE_END);
  }

  async writeEpisode(ep: RecordedEpisode): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.streamed.delete(ep.meta.episodeId)) this.queueEpisodeLines(ep);
    if (this.gz) {
      // Lines of every sub-env share the buffer; each finished episode flushes all that is pending.
      if (this.out.pos > 0) {
        const member = gzipAsync(this.out.take(), this.gzOptions);
        this.gzChain = this.gzChain.then(async () => {
          writeAll(this.fd, await member);
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
      const member = gzipAsync(Buffer.from(line), this.gzOptions);
      this.gzChain = this.gzChain.then(async () => {
        writeAll(this.episodesFd, await member);
      });
      await this.gzChain;
    } else {
      writeAll(this.episodesFd, Buffer.from(line));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.gz && this.out.pos > 0) {
      const member = await gzipAsync(this.out.take(), this.gzOptions);
      await this.gzChain;
      writeAll(this.fd, member);
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
    const o = this.out;
    const p = ep.policy;
    // Each observation row is formatted once: one step's next_state, copied as the next step's state.
    let stateStart = -1;
    let stateEnd = -1;
    for (let j = 0; j < ep.meta.length; j++) {
      const explore = p.wasExploratory[j]!;
      const fields: LineFields = {
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
            p.greedyActions === undefined ? undefined : batchItem(actionSpace, p.greedyActions, j),
          policyId: p.policyIds[j],
          meta: p.meta[j],
        },
      };
      this.lineStart(fields);
      if (stateStart < 0) writeSpaceRow(o, observationSpace, ep.observations, 0);
      else o.repeat(stateStart, stateEnd);
      o.raw(ACTION);
      writeSpaceRow(o, actionSpace, ep.actions, j);
      this.reward(fields.reward);
      stateStart = o.pos;
      writeSpaceRow(o, observationSpace, ep.observations, j + 1);
      stateEnd = o.pos;
      this.lineEnd(fields);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.gz || this.out.pos === 0) return;
    try {
      writeAll(this.fd, this.out.bytes.subarray(0, this.out.pos));
    } catch (err) {
      this.failed ??= err;
    }
    this.out.clear();
  }

  // The meta object written directly as JSON: the env's info entries, fixed keys, then optional ones.
  private meta(r: LineFields): void {
    const o = this.out;
    const info = r.info;
    o.raw(META_OPEN);
    for (const k of Object.keys(info)) {
      if (k === "action_mask") continue;
      o.raw(this.keyOf(k));
      writeInfoValue(o, info[k]);
      o.byte(COMMA);
    }
    o.raw(EPISODE_ID);
    o.number(r.episodeId);
    o.raw(STEP);
    o.number(r.step);
    o.raw(r.terminated ? TERMINATED_TRUE : TERMINATED_FALSE);
    o.raw(r.truncated ? TRUNCATED_TRUE : TRUNCATED_FALSE);
    o.raw(POLICY_ID);
    const p = r.policy;
    o.raw(p?.policyId === undefined ? this.defaultPolicyId : this.policyIdOf(p.policyId));
    if (p) this.policyFields(p);
    o.byte(RBRACE);
  }

  private policyFields(p: StepPolicyInfo): void {
    const o = this.out;
    if (p.behaviorProb !== undefined) {
      o.raw(BEHAVIOR_PROB);
      o.number(p.behaviorProb);
    }
    if (p.wasExploratory !== undefined) o.raw(p.wasExploratory ? EXPLORATORY : NOT_EXPLORATORY);
    if (p.epsilon !== undefined) {
      o.raw(EPSILON);
      o.number(p.epsilon);
    }
    if (p.greedyAction !== undefined) {
      o.raw(GREEDY_ACTION);
      writeSpaceValue(o, this.ctx.actionSpace, p.greedyAction);
    }
    if (p.meta) {
      for (const [k, v] of Object.entries(p.meta)) {
        o.byte(COMMA);
        o.raw(this.keyOf(k));
        writeInfoValue(o, v as InfoValue);
      }
    }
  }

  private keyOf(k: string): Uint8Array {
    let b = this.keys.get(k);
    if (b === undefined) {
      b = keyBytes(k);
      // Bounded: an env inventing new keys every step must not grow this without end.
      if (this.keys.size < 1024) this.keys.set(k, b);
    }
    return b;
  }

  private policyIdOf(id: string): Uint8Array {
    if (id !== this.policyId) {
      this.policyId = id;
      this.policyIdBytes = utf8Bytes(JSON.stringify(id));
    }
    return this.policyIdBytes;
  }

  private actionMask(info: Info): void {
    const o = this.out;
    const m = info.action_mask;
    if (m === undefined) o.raw(NULL);
    else if (isTypedArray(m) || Array.isArray(m)) {
      const a = m as ArrayLike<unknown>;
      o.byte(LBRACKET);
      for (let i = 0; i < a.length; i++) {
        if (i > 0) o.byte(COMMA);
        o.bool(Boolean(a[i]));
      }
      o.byte(RBRACKET);
    } else writeInfoValue(o, m);
  }
}

/** What a line needs of a transition besides its observation and action values. */
type LineFields = Omit<TransitionRecord, "observation" | "action" | "nextObservation">;

// Writes all of `bytes` (a write to a file may take less than it was given).
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

// The fixed pieces of a line, encoded once.
const T = utf8Bytes('{"t":');
const SEED = utf8Bytes(',"seed":');
const STATE = utf8Bytes(',"state":');
const ACTION = utf8Bytes(',"action":');
const REWARD = utf8Bytes(',"reward":');
const NEXT_STATE = utf8Bytes(',"next_state":');
const ACTION_MASK = utf8Bytes(',"action_mask":');
const META = utf8Bytes(',"meta":');
const META_OPEN = utf8Bytes("{");
const EPISODE_ID = utf8Bytes('"episode_id":');
const STEP = utf8Bytes(',"step":');
const TERMINATED_TRUE = utf8Bytes(',"terminated":true');
const TERMINATED_FALSE = utf8Bytes(',"terminated":false');
const TRUNCATED_TRUE = utf8Bytes(',"truncated":true');
const TRUNCATED_FALSE = utf8Bytes(',"truncated":false');
const POLICY_ID = utf8Bytes(',"policy_id":');
const BEHAVIOR_PROB = utf8Bytes(',"behavior_prob":');
const EXPLORATORY = utf8Bytes(',"was_exploratory":true');
const NOT_EXPLORATORY = utf8Bytes(',"was_exploratory":false');
const EPSILON = utf8Bytes(',"epsilon":');
const GREEDY_ACTION = utf8Bytes(',"greedy_action":');
const NULL = utf8Bytes("null");
const LINE_END = utf8Bytes("}\n");
const COMMA = 44;
const LBRACKET = 91;
const RBRACKET = 93;
const RBRACE = 125;

/** Opens a .jsonl writer. */
export const createJsonlWriter = async (path: string, ctx: RecordingContext) =>
  new JsonlWriter(path, ctx, false);

/** Opens a .jsonl.gz writer. */
export const createJsonlGzWriter = async (path: string, ctx: RecordingContext) =>
  new JsonlWriter(path, ctx, true);
