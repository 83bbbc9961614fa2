import {
  type DatasetStats,
  type RecordingInfo,
  type RecordOptions,
  startStreamRecording,
  stopStreamRecording,
} from "./recording.js";
import type { SessionStream } from "./session-stream.js";

/** What RemoteEnv and RemoteVectorEnv share: their Session stream, recording control and close. */
export abstract class RemoteSession {
  private closed = false;

  constructor(
    protected readonly stream: SessionStream,
    readonly sessionId: string,
  ) {}

  /** Starts recording this session on the server. */
  startRecording(opts: RecordOptions = {}): Promise<RecordingInfo> {
    return startStreamRecording(this.stream, opts);
  }

  /** Stops recording and returns the finished dataset's stats. */
  stopRecording(): Promise<DatasetStats> {
    return stopStreamRecording(this.stream);
  }

  /** Closes the session (once its dataset, if recording, is finished); harmless when already closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.stream.request({ request: { $case: "close", value: { sessionId: "" } } });
    } catch {
      // The session may already be gone with the server; closing is still done.
    } finally {
      this.stream.end();
    }
  }
}
