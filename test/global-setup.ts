import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Builds dist/ once before any test file runs: tests that start the real CLI or child processes use it. */
export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
  // tsc emits despite type errors (the type check itself is `npm run typecheck`); only a missing build stops the tests.
  if (r.status !== 0 && !existsSync(join(root, "dist", "server", "cli.js"))) {
    throw new Error("building dist/ failed; see the tsc output above");
  }
}
