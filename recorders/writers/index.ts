import { InvalidArgumentError } from "../../envs/core/errors.js";
import type { DatasetFormat } from "../output-path.js";
import type { WriterFactory } from "../types.js";
import { createD4rlWriter, openD4rlWriter } from "./d4rl-writer.js";
import { createHdf5Writer, openHdf5Writer } from "./hdf5-writer.js";
import { createJsonlGzWriter, createJsonlWriter, JsonlWriter } from "./jsonl-writer.js";
import { createMinariWriter, openMinariWriter } from "./minari-writer.js";
import { type NpzWriterOptions, npzWriterFactory } from "./npz-writer.js";

/**
 * The npz writer's options in the server: journal records reach the OS before a step that
 * ended their episode returns (safe against a killed server); fdatasync per episode would
 * put a disk flush on step latency, so the .npz assemblies and close are what is fsynced.
 */
export const SERVER_NPZ_OPTIONS: NpzWriterOptions = { fdatasync: false };

/** The writer of each dataset format. */
export const WRITERS: Partial<Record<DatasetFormat, WriterFactory>> = {
  jsonl: createJsonlWriter,
  "jsonl.gz": createJsonlGzWriter,
  npz: npzWriterFactory(SERVER_NPZ_OPTIONS),
  hdf5: createHdf5Writer,
  d4rl: createD4rlWriter,
  minari: createMinariWriter,
};

/** The field a recording's compression level comes in (RecordingOptions.compression_level). */
const LEVEL_FIELD = "record.compression_level";

/**
 * The writer of `format` compressing at `level`: 0 (not at all) to 9, or
 * undefined for the format's default (WRITERS). npz: every member's deflate level (0
 * stores them, as np.savez); hdf5, d4rl, minari: every dataset's gzip level; jsonl.gz: its
 * members' gzip level (1-9); jsonl: 0 only. Anything else is an InvalidArgumentError
 * naming the field and what the format takes.
 */
export function writerFactory(format: DatasetFormat, level?: number): WriterFactory {
  const byDefault = WRITERS[format];
  if (!byDefault) {
    throw new InvalidArgumentError("record.format", `this server cannot write ${format} datasets`);
  }
  if (level === undefined) return byDefault;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(LEVEL_FIELD, `must be 0 (none) to 9, got ${level}`);
  }
  switch (format) {
    case "npz":
      return npzWriterFactory({ ...SERVER_NPZ_OPTIONS, level });
    case "hdf5":
      return (path, ctx) => openHdf5Writer(path, ctx, { gzip: level });
    case "d4rl":
      return (path, ctx) => openD4rlWriter(path, ctx, { gzip: level });
    case "minari":
      return (path, ctx) => openMinariWriter(path, ctx, { gzip: level });
    case "jsonl":
      if (level !== 0) {
        throw new InvalidArgumentError(
          LEVEL_FIELD,
          `jsonl is plain text (level 0 only, got ${level}); record jsonl.gz to compress it`,
        );
      }
      return byDefault;
    case "jsonl.gz":
      if (level === 0) {
        throw new InvalidArgumentError(
          LEVEL_FIELD,
          "jsonl.gz is gzip (levels 1 to 9); record jsonl for uncompressed lines",
        );
      }
      return async (path, ctx) => new JsonlWriter(path, ctx, true, level);
  }
}
