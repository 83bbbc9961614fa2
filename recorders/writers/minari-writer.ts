import type { RecordingContext, WriterFactory } from "../types.js";
import { H5Writer, type H5WriterOptions } from "./h5-writer.js";

/** Opens a `minari` dataset writer with options. */
export function openMinariWriter(
  path: string,
  ctx: RecordingContext,
  options: H5WriterOptions = {},
): Promise<H5Writer> {
  return H5Writer.open("minari", path, ctx, options);
}

/** The `minari` format's WriterFactory. */
export const createMinariWriter: WriterFactory = (path, ctx) => openMinariWriter(path, ctx);
