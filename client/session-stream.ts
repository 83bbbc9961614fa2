import type { ClientDuplexStream, ServiceError } from "@grpc/grpc-js";
import type { SessionRequest, SessionResponse } from "../proto/gen/ts/gymrpc/v1/env_service.js";
import { fromServiceError, fromStatus, RemoteError } from "./errors.js";

type Pending = { resolve: (r: SessionResponse) => void; reject: (e: Error) => void };

/**
 * One Session stream as request/response pairs: requests may be pipelined;
 * responses resolve in order. In-stream errors reject that request only.
 */
export class SessionStream {
  private readonly pending: Pending[] = [];
  private failure: RemoteError | undefined;

  constructor(
    private readonly call: ClientDuplexStream<SessionRequest, SessionResponse>,
    private readonly target: string,
    /** Called once the call has ended, however it ended. */
    onDone?: () => void,
  ) {
    call.on("data", (res: SessionResponse) => {
      const p = this.pending.shift();
      if (!p) return;
      if (res.response?.$case === "error") p.reject(fromStatus(res.response.value));
      else p.resolve(res);
    });
    call.on("error", (err: ServiceError) => this.fail(fromServiceError(err, target)));
    call.on("end", () =>
      this.fail(new RemoteError(14, `gymrpc server at ${this.target} ended the session stream`)),
    );
    if (onDone) call.on("status", onDone);
  }

  /** Sends one request; resolves with its response. */
  request(req: SessionRequest): Promise<SessionResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.call.write(req);
    });
  }

  /** Half-closes the stream; the server closes the session. */
  end(): void {
    if (!this.failure) this.call.end();
    this.failure ??= new RemoteError(9, "the session is closed");
  }

  /** Cancels the call at once: the server sees the client go away and closes the session. */
  cancel(): void {
    this.failure ??= new RemoteError(1, "the session stream was cancelled");
    this.call.cancel();
  }

  private fail(err: RemoteError): void {
    this.failure ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}
