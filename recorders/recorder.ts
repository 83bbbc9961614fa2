import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { EpisodeAssembler } from "./episode-assembler.js";
import type { EpisodeSource } from "./logged-episode.js";
import { RecordingError } from "./recording-errors.js";
import type {
  DatasetStats,
  DatasetWriter,
  RecordedEpisode,
  RecordingContext,
  TerminationReason,
  TransitionRecord,
} from "./types.js";

/**
 * One dataset being recorded: hands finished episodes to the writer in order,
 * off the caller's path, and keeps the running statistics.
 */
export class Recorder {
  /** Episode writes not yet acknowledged by the writer. */
  private readonly pending = new Set<Promise<void>>();
  /** The latest episode write, which a one-at-a-time recording waits for. */
  private last: Promise<void> = Promise.resolve();
  private failure: RecordingError | undefined;
  private episodes = 0;
  private steps = 0;
  private returnSum = 0;
  private successes = 0;
  private reportedSuccess = 0;
  private transitions = 0;
  private started = 0;
  /** Finished (or dropped: null) episodes waiting for an earlier one, by id. */
  private readonly held = new Map<number, RecordedEpisode | null>();
  private nextInOrder = 0;
  private closing: Promise<DatasetStats> | undefined;

  constructor(
    readonly writer: DatasetWriter,
    readonly ctx: RecordingContext,
  ) {}

  /** The dataset's path. */
  get path(): string {
    return this.writer.path;
  }

  /** The dataset's format. */
  get format(): string {
    return this.writer.format;
  }

  /** The storage failure that stopped this recording, if any. */
  get error(): RecordingError | undefined {
    return this.failure;
  }

  /** An assembler for (sub-)env `subEnv`. */
  assembler(subEnv: number): EpisodeAssembler {
    return new EpisodeAssembler(this.ctx, subEnv, () => this.nextEpisodeId(), this.keepsInfos);
  }

  /** True when step infos must be kept whole (the writer stores them, or streams transitions). */
  get keepsInfos(): boolean {
    return this.writer.storesInfos !== false || this.streamsTransitions;
  }

  /** Hands out the next dataset-wide episode id (ids follow the order episodes start in). */
  nextEpisodeId(): number {
    return this.started++;
  }

  /** Episodes finished so far. */
  get episodeCount(): number {
    return this.episodes;
  }

  /** True when the writer wants every transition as it happens. */
  get streamsTransitions(): boolean {
    return (
      this.writer.writeTransition !== undefined &&
      this.failure === undefined &&
      !this.ctx.discardPartialEpisodes
    );
  }

  /** Streams one transition to writers that write every step. */
  transition(record: Omit<TransitionRecord, "t">): void {
    if (!this.writer.writeTransition || this.failure) return;
    try {
      this.writer.writeTransition({ ...record, t: this.transitions++ });
    } catch (err) {
      this.failure ??= RecordingError.fromFs(this.path, err);
    }
  }

  /**
   * Ends the assembler's episode and queues it for writing. The promise
   * settles (never rejects) once the writer has handed the episode to the OS:
   * callers hold back the step that ended it until then, so a client that saw
   * an episode end can rely on it surviving a crash of the server.
   *
   * Recordings that drop partial episodes (collectors) write episodes in the
   * order they started, so a dataset does not depend on which sub-env ran
   * which episode; an episode waiting for an earlier one is not waited for.
   */
  endEpisode(assembler: EpisodeSource, reason: TerminationReason): Promise<void> | undefined {
    if (!assembler.isActive) return undefined;
    // An episode cut before its first step (recording attached, then reset) holds no transition.
    if (assembler.length === 0) return this.discard(assembler);
    const partial = reason !== "terminated" && reason !== "truncated";
    if (this.failure || this.closing || (partial && this.ctx.discardPartialEpisodes)) {
      return this.discard(assembler);
    }
    const id = assembler.currentEpisodeId;
    const episode = assembler.finish(reason);
    if (!this.ctx.discardPartialEpisodes) return this.commit(episode);
    this.held.set(id, episode);
    return this.release(id);
  }

  /** Drops the assembler's current episode without writing it. */
  discard(assembler: EpisodeSource): Promise<void> | undefined {
    if (!assembler.isActive) return undefined;
    const id = assembler.currentEpisodeId;
    assembler.discard();
    if (!this.ctx.discardPartialEpisodes) return undefined;
    this.held.set(id, null);
    return this.release(id);
  }

  // Writes held episodes in start order; resolves with the write of `id` if it went out now.
  private release(id: number): Promise<void> | undefined {
    let mine: Promise<void> | undefined;
    while (this.held.has(this.nextInOrder)) {
      const ep = this.held.get(this.nextInOrder);
      this.held.delete(this.nextInOrder);
      const written = ep ? this.commit(ep) : undefined;
      if (this.nextInOrder === id) mine = written;
      this.nextInOrder++;
    }
    return mine;
  }

  private commit(episode: RecordedEpisode): Promise<void> | undefined {
    if (
      this.failure ||
      (this.ctx.maxEpisodes !== undefined && this.episodes >= this.ctx.maxEpisodes)
    ) {
      return undefined;
    }
    this.episodes++;
    this.steps += episode.meta.length;
    this.returnSum += episode.meta.totalReturn;
    if (episode.meta.success !== undefined) {
      this.reportedSuccess++;
      if (episode.meta.success) this.successes++;
    }
    // Episodes go to the writer at once, in order; writers batch what arrives while they
    // write (one compression, one write), so episodes ending together share the cost.
    // Collector recordings write one episode at a time instead (unless the writer's file
    // does not depend on batching): batch boundaries would otherwise depend on timing, and
    // their files must be the same byte for byte.
    const write = () => (this.failure ? undefined : this.writer.writeEpisode(episode));
    const started =
      this.ctx.discardPartialEpisodes && !this.writer.batchInvariant
        ? this.last.then(write)
        : Promise.resolve(write());
    const written = started.catch((err: unknown) => {
      this.failure ??= RecordingError.fromFs(this.path, err);
    });
    this.last = written;
    this.pending.add(written);
    void written.finally(() => this.pending.delete(written));
    return written;
  }

  /** Waits for queued episodes, finishes the files and returns the dataset's stats. */
  close(): Promise<DatasetStats> {
    this.closing ??= (async () => {
      while (this.pending.size > 0) await Promise.all([...this.pending]);
      const base = {
        totalEpisodes: this.episodes,
        totalSteps: this.steps,
        meanEpisodeLength: this.episodes ? this.steps / this.episodes : 0,
        meanReward: this.episodes ? this.returnSum / this.episodes : 0,
        successRate: this.reportedSuccess ? this.successes / this.reportedSuccess : undefined,
      };
      try {
        await this.writer.close(base);
      } catch (err) {
        this.failure ??= RecordingError.fromFs(this.path, err);
      }
      if (this.failure) throw this.failure;
      return {
        ...base,
        fileSizeMb: (await sizeOf(this.path)) / (1024 * 1024),
        outputPath: this.path,
        format: this.format,
      };
    })();
    return this.closing;
  }
}

/** Bytes of a file, or of every file below a directory. */
export async function sizeOf(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}
