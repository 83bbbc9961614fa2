import type { DatasetFormat } from "../output-path.js";
import type { WriterFactory } from "../types.js";
import { createJsonlGzWriter, createJsonlWriter } from "./jsonl-writer.js";

/** The writer of each dataset format. */
export const WRITERS: Partial<Record<DatasetFormat, WriterFactory>> = {
  jsonl: createJsonlWriter,
  "jsonl.gz": createJsonlGzWriter,
};
