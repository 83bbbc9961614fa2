import { GymError } from "../envs/core/errors.js";

/** What went wrong with a dataset's storage. */
export type RecordingFailure = "permission" | "no_space" | "exists" | "io";

/** A dataset could not be written; names the path, and the session keeps running. */
export class RecordingError extends GymError {
  override name = "RecordingError";
  constructor(
    readonly path: string,
    readonly failure: RecordingFailure,
    message: string,
  ) {
    super(message);
  }

  /** A RecordingError for a failed file-system call on `path`. */
  static fromFs(path: string, err: unknown): RecordingError {
    if (err instanceof RecordingError) return err;
    const e = err as NodeJS.ErrnoException;
    const code = e?.code ?? "";
    const failure: RecordingFailure =
      code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? "permission"
        : code === "ENOSPC" || code === "EDQUOT"
          ? "no_space"
          : code === "EEXIST"
            ? "exists"
            : "io";
    const what = {
      permission: "is not writable",
      no_space: "ran out of disk space",
      exists: "already exists",
      io: "could not be written",
    }[failure];
    return new RecordingError(
      path,
      failure,
      `dataset ${path} ${what}: ${e?.message ?? String(err)}`,
    );
  }
}
