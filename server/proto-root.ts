import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The directory holding gymrpc's .proto files, found upward from this module (source or dist). */
export function findProtoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "proto");
    if (existsSync(join(candidate, "gymrpc", "v1", "env_service.proto"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find gymrpc's proto directory");
    dir = parent;
  }
}
