import type { RecordingContext, WriterFactory } from "../types.js";
import { H5Writer, type H5WriterOptions } from "./h5-writer.js";

/** Opens a `d4rl` dataset writer with options. */
export function openD4rlWriter(
  path: string,
  ctx: RecordingContext,
  options: H5WriterOptions = {},
): Promise<H5Writer> {
  return H5Writer.open("d4rl", path, ctx, options);
}

/** The `d4rl` format's WriterFactory. */
export const createD4rlWriter: WriterFactory = (path, ctx) => openD4rlWriter(path, ctx);
