import type { DatasetFormat } from "../output-path.js";
import type { WriterFactory } from "../types.js";
import { createD4rlWriter } from "./d4rl-writer.js";
import { createHdf5Writer } from "./hdf5-writer.js";
import { createJsonlGzWriter, createJsonlWriter } from "./jsonl-writer.js";
import { createMinariWriter } from "./minari-writer.js";
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
