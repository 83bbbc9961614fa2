import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** Set (to anything) to keep the tests' directories, e.g. to look at a failing test's datasets. */
const KEEP = "GYMRPC_KEEP_TEST_DIRS";

/** Removes `dir` and everything in it, unless GYMRPC_KEEP_TEST_DIRS is set. */
export function removeTestDir(dir: string): void {
  if (process.env[KEEP]) return;
  rmSync(dir, { recursive: true, force: true });
}

/** A fresh directory in the OS temp dir, named from `prefix`; the caller removes it (removeTestDir). */
export function makeTestDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fresh directory in the OS temp dir (named from `prefix`), removed when the calling test
 * finishes, passed or failed: a test run leaves no datasets behind.
 */
export function testDir(prefix: string): string {
  const dir = makeTestDir(prefix);
  onTestFinished(() => removeTestDir(dir));
  return dir;
}
