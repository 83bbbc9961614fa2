/** Tuning of the .npz writer (npz-writer.ts). */
export interface NpzWriterOptions {
  /** zlib level of every member, 1 (fast, default) to 9; 0 stores them uncompressed. */
  readonly level?: number;
  /**
   * Journal members raw while recording and compress them in the background as the journal
   * grows, the rest at close (default true): the step loop then pays for a copy and a write,
   * not for deflate. The .npz rebuilt while recording (and one recovered after a crash) is
   * then stored, uncompressed; the one close leaves is compressed at `level`.
   */
  readonly deferCompression?: boolean;
  /**
   * Store (deflate level 0: stored blocks) a 1 MiB piece of a member when a sample of it
   * compresses by less than this fraction (default 0.125, ZFS's rule for keeping a
   * compressed block; 0: compress every piece). Float and bool members are judged by a
   * model of zlib's Z_RLE output (within ~0.5% on float data), the others by deflating
   * it. Float data of a random policy saves ~8-12% at level 1 for ~8 ns per byte of one
   * core: stored, such pieces cost a copy. After four whole pieces of a row member judged
   * "store" in a row, one in four is judged until one says "deflate" (npz-compact.ts).
   */
  readonly minSaving?: number;
  /** Write zip64 structures even when nothing needs them. */
  readonly forceZip64?: boolean;
  /**
   * Reassemble the .npz at an episode end once the time since the last assembly is this many
   * times its duration (default 100: the file seen while recording costs about 1% of the time,
   * each assembly being a copy of the whole dataset; Infinity: only at open and close).
   */
  readonly rebuildRatio?: number;
  /**
   * Raw bytes of episodes journaled together (one write, one fdatasync) at most (default
   * 4 MiB: a backlog is then copied while the batch before it is written, in reused buffers).
   */
  readonly maxBatchBytes?: number;
  /** Raw bytes copied per event-loop turn while building a batch (default 1 MiB: about a millisecond). */
  readonly sliceBytes?: number;
  /**
   * fdatasync the journal before writeEpisode resolves (default true). false: it resolves
   * once the record is handed to the OS (still safe against SIGKILL, not power loss;
   * then only the .npz assemblies, fsynced, are safe against power loss).
   */
  readonly fdatasync?: boolean;
}

/** The options with every default filled in. */
export function withDefaults(options: NpzWriterOptions): Required<NpzWriterOptions> {
  const minSaving = options.minSaving ?? 0.125;
  if (!(minSaving >= 0 && minSaving < 1)) {
    throw new RangeError(`npz minSaving must be in [0, 1), got ${minSaving}`);
  }
  return {
    level: options.level ?? 1,
    deferCompression: options.deferCompression ?? true,
    minSaving,
    forceZip64: options.forceZip64 ?? false,
    rebuildRatio: options.rebuildRatio ?? 100,
    maxBatchBytes: options.maxBatchBytes ?? 4 << 20,
    sliceBytes: options.sliceBytes ?? 1 << 20,
    fdatasync: options.fdatasync ?? true,
  };
}
