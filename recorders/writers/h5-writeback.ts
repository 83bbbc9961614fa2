import { closeSync, fdatasync, fstatSync, openSync } from "node:fs";

/** Growth of a file between two early writebacks. */
const WRITEBACK_BYTES = 8 * 1024 * 1024;

/**
 * Starts writing a growing file's pages to disk while it is being written
 * (fdatasync in libuv's thread pool, on a descriptor of our own), so the
 * fsync that ends a recording finds little left to write and close() does
 * not wait for the whole file. At most one at a time, once the file has
 * grown by 8 MiB: a slow recording causes no extra disk writes. Errors are
 * left to the final fsync, which reports them.
 */
export class EarlyWriteback {
  private fd: number | undefined;
  private synced = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  /** Starts a writeback when none runs and the file grew enough since the last. */
  poke(): void {
    if (this.running) return;
    try {
      this.fd ??= openSync(this.path, "r");
      const size = fstatSync(this.fd).size;
      if (size - this.synced < WRITEBACK_BYTES) return;
      const fd = this.fd;
      this.running = new Promise((resolve) =>
        fdatasync(fd, () => {
          this.synced = size;
          this.running = undefined;
          resolve();
        }),
      );
    } catch {
      // Best effort: the final fsync writes whatever this did not.
    }
  }

  /** Waits for a running writeback, then closes the descriptor. */
  async close(): Promise<void> {
    await this.running;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
