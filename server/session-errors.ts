import { GymError } from "../envs/core/errors.js";

/** A session id that is unknown, closed or expired. */
export class SessionNotFoundError extends GymError {
  override name = "SessionNotFoundError";
  constructor(readonly sessionId: string) {
    super(
      `unknown session "${sessionId}": it was never created, was closed, or expired after the idle timeout`,
    );
  }
}

/** The server holds its maximum number of sessions. */
export class SessionLimitError extends GymError {
  override name = "SessionLimitError";
  constructor(readonly maxSessions: number) {
    super(
      `the server holds its maximum of ${maxSessions} sessions; close one or raise --max-sessions`,
    );
  }
}

/** The server is shutting down and takes no new work. */
export class ShuttingDownError extends GymError {
  override name = "ShuttingDownError";
  constructor() {
    super("the server is shutting down");
  }
}

/** A request that is malformed at the protocol level (e.g. a stream that does not start with make). */
export class ProtocolError extends GymError {
  override name = "ProtocolError";
}

/** A request without the server's auth token. */
export class UnauthenticatedError extends GymError {
  override name = "UnauthenticatedError";
  constructor() {
    super('missing or wrong auth token: send metadata "authorization: Bearer <token>"');
  }
}
