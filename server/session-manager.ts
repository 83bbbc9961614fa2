import { randomUUID } from "node:crypto";
import { resolveConfig } from "../envs/core/config.js";
import type { MakeOptions, Registry } from "../envs/core/registry.js";
import type { DatasetStats, TerminationReason } from "../recorders/types.js";
import { Session, type SessionKind } from "./session.js";
import { SessionLimitError, SessionNotFoundError, ShuttingDownError } from "./session-errors.js";

/** Limits on what sessions may hold. */
export interface SessionLimits {
  /** Most sessions at once (unary and stream). */
  readonly maxSessions: number;
  /** A unary session untouched this long is closed (ms; 0 disables). */
  readonly idleTimeoutMs: number;
}

/** Default limits. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxSessions: 1024, idleTimeoutMs: 300_000 };

/** Events a session manager reports, so the server can log them. */
export interface SessionEvents {
  opened?(session: Session): void;
  closed?(session: Session, reason: string): void;
  /** A session's recording finished (stats) or failed (error) while the session closed. */
  recordingFinished?(session: Session, result: DatasetStats | Error): void;
}

/** Arguments of SessionManager.open. */
export interface OpenArgs extends MakeOptions {
  readonly envId: string;
  /** 0 for a single env, N for a vectorized session. */
  readonly numEnvs: number;
  readonly kind: SessionKind;
  readonly peer: string;
}

/** Owns every live session: creation under limits, lookup, idle expiry, close. */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  private readonly finishing = new Set<Promise<void>>();

  constructor(
    private readonly registry: Registry,
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly events: SessionEvents = {},
  ) {
    if (limits.idleTimeoutMs > 0) {
      const every = Math.max(50, Math.min(limits.idleTimeoutMs / 4, 10_000));
      this.sweeper = setInterval(() => this.sweep(), every);
      this.sweeper.unref();
    }
  }

  /** Number of live sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** Makes a session (throws SessionLimitError, UnknownEnvError, InvalidArgumentError). */
  open(args: OpenArgs): Session {
    if (this.shuttingDown) throw new ShuttingDownError();
    if (this.sessions.size >= this.limits.maxSessions)
      throw new SessionLimitError(this.limits.maxSessions);
    const spec = this.registry.spec(args.envId);
    const config = resolveConfig(spec.config, args.config ?? {});
    const opts: MakeOptions = {
      config: args.config,
      renderMode: args.renderMode,
      maxEpisodeSteps: args.maxEpisodeSteps,
    };
    const env =
      args.numEnvs > 0
        ? { vector: this.registry.makeVec(args.envId, args.numEnvs, opts) }
        : { single: this.registry.make(args.envId, opts) };
    const session = new Session(randomUUID(), args.kind, spec, config, env, args.peer);
    this.sessions.set(session.id, session);
    this.events.opened?.(session);
    return session;
  }

  /** The live session with `id`, or SessionNotFoundError. */
  get(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw new SessionNotFoundError(id);
    return s;
  }

  /** Closes a session (unknown ids are ignored, so close is idempotent); resolves when its recording's files are finished. */
  close(
    id: string,
    reason = "closed by client",
    termination: TerminationReason = "client_disconnected",
  ): Promise<void> | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    this.sessions.delete(id);
    const finishing = s.close(termination);
    this.events.closed?.(s, reason);
    if (finishing) {
      const tracked = finishing.then(
        (stats) => this.events.recordingFinished?.(s, stats),
        (err: Error) => this.events.recordingFinished?.(s, err),
      );
      this.finishing.add(tracked);
      void tracked.finally(() => this.finishing.delete(tracked));
      return tracked;
    }
    return undefined;
  }

  /** Resolves when every recording of a closed session has finished its files. */
  async recordingsFinished(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  /** Every live session. */
  list(): Session[] {
    return [...this.sessions.values()];
  }

  /** Refuses new sessions from now on (UNAVAILABLE); live ones keep working. */
  stopAccepting(): void {
    this.shuttingDown = true;
  }

  /** Stops taking new sessions and closes every live one. */
  closeAll(reason: string): void {
    this.shuttingDown = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const id of [...this.sessions.keys()]) this.close(id, reason, "server_shutdown");
  }

  /** True once closeAll has begun. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private sweep(): void {
    const cutoff = Date.now() - this.limits.idleTimeoutMs;
    for (const s of [...this.sessions.values()]) {
      if (s.kind === "unary" && s.lastUsed < cutoff) this.close(s.id, "idle timeout");
    }
  }
}
