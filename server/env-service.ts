import { timingSafeEqual } from "node:crypto";
import type {
  Metadata,
  ServerDuplexStream,
  ServerUnaryCall,
  ServiceError,
  sendUnaryData,
  UntypedHandleCall,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { MaybePromise } from "../envs/core/env.js";
import { InvalidArgumentError } from "../envs/core/errors.js";
import type { Registry } from "../envs/core/registry.js";
import { decodeError } from "../proto/codec/service-definition.js";
import { encodeSpec } from "../proto/codec/spec-codec.js";
import type {
  CloseSessionRequest,
  CloseSessionResponse,
  EnvServiceServer,
  ListEnvsResponse,
  ListSessionsResponse,
  MakeRequest,
  MakeResponse,
  RenderResponse,
  ResetResponse,
  SessionRequest,
  SessionResponse,
  StartRecordingResponse,
  StepResponse,
  StopRecordingResponse,
} from "../proto/gen/ts/gymrpc/v1/env_service.js";
import type { RecordingOptions } from "../proto/gen/ts/gymrpc/v1/recording.js";
import type { TerminationReason } from "../recorders/types.js";
import { toServiceError, toStatus } from "./error-status.js";
import {
  policyFromWire,
  type RecordingConfig,
  recordingStatus,
  startRecording,
  stopRecording,
} from "./recording-control.js";
import type { Session, SessionKind } from "./session.js";
import { ProtocolError, UnauthenticatedError } from "./session-errors.js";
import type { SessionManager } from "./session-manager.js";
import {
  makeResponse,
  openArgsFromMake,
  renderResponse,
  resetArgs,
  resetResponse,
  stepAction,
  stepResponse,
} from "./session-wire.js";

/** What the handlers need. */
export interface EnvServiceDeps {
  readonly registry: Registry;
  readonly sessions: SessionManager;
  readonly logger: Logger;
  /** Live Session streams, so shutdown can end them once their in-flight work is done. */
  readonly streams: Set<StreamHandle>;
  /** When set, every call must carry metadata "authorization: Bearer <token>". */
  readonly authToken?: string | undefined;
  /** Where datasets go, and whether every session records. */
  readonly recording: RecordingConfig;
}

/** Throws InvalidArgumentError for a request whose bytes did not decode. */
function rejectUndecodable(req: object): void {
  const err = decodeError(req);
  if (err) {
    throw new InvalidArgumentError(
      "request",
      `cannot decode the request: ${err} (64-bit integers such as seeds must be below 2^53)`,
    );
  }
}

/** Throws UnauthenticatedError unless the call carries the expected bearer token. */
function checkAuth(metadata: Metadata, token: string | undefined): void {
  if (token === undefined) return;
  const got = metadata.get("authorization")[0];
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(typeof got === "string" ? got : "");
  // Constant-time comparison so the token cannot be guessed byte by byte from timings.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new UnauthenticatedError();
}

/** A live Session stream as the server's shutdown sees it. */
export interface StreamHandle {
  /** Resolves when no request is being handled. */
  idle(): Promise<void>;
  /** Ends the stream with UNAVAILABLE and closes its session. */
  abort(reason: string): void;
}

const then = <T, U>(x: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> =>
  x instanceof Promise ? x.then(f) : f(x);

/** The EnvService handlers: look up the session, call the env, convert. */
export function createEnvService(deps: EnvServiceDeps): EnvServiceServer {
  const { registry, sessions, logger } = deps;

  // Runs a handler and answers with its result or with the mapped status.
  const unary =
    <Req, Res>(
      name: string,
      fn: (req: Req, call: ServerUnaryCall<Req, Res>) => MaybePromise<Res>,
    ) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const fail = (err: unknown) => {
        const { status, unexpected } = toStatus(err);
        if (unexpected) logger.error({ err, rpc: name }, "unexpected error");
        else logger.debug({ rpc: name, code: status.code, msg: status.message }, "request failed");
        callback(toServiceError(status) as ServiceError);
      };
      try {
        checkAuth(call.metadata, deps.authToken);
        rejectUndecodable(call.request as object);
        const res = fn(call.request, call);
        if (res instanceof Promise) res.then((r) => callback(null, r), fail);
        else callback(null, res);
      } catch (err) {
        fail(err);
      }
    };

  const listEnvs = (): ListEnvsResponse => ({
    envs: registry.ids().map((id) => encodeSpec(registry.spec(id))),
  });

  return {
    listEnvs: unary("ListEnvs", listEnvs),
    make: unary("Make", (req, call) => openSession(deps, req, "unary", call.getPeer()).response),
    reset: unary("Reset", (req): MaybePromise<ResetResponse> => {
      const session = sessions.get(req.sessionId);
      const { seed, options } = resetArgs(req);
      return then(session.reset(seed, options), (r) => resetResponse(session, r));
    }),
    step: unary("Step", (req): MaybePromise<StepResponse> => {
      const session = sessions.get(req.sessionId);
      const policy = policyFromWire(req.policy, session);
      return then(session.step(stepAction(req, session), policy), (r) => stepResponse(session, r));
    }),
    render: unary(
      "Render",
      (req): RenderResponse => renderResponse(sessions.get(req.sessionId).render()),
    ),
    // Close answers once the session's dataset, if it recorded, is finished on disk.
    closeSession: unary(
      "CloseSession",
      (req: CloseSessionRequest): MaybePromise<CloseSessionResponse> => {
        const finishing = sessions.close(req.sessionId);
        return finishing ? finishing.then(() => ({})) : {};
      },
    ),
    startRecording: unary("StartRecording", async (req): Promise<StartRecordingResponse> => {
      const session = sessions.get(req.sessionId);
      return {
        recording: await startRecording(session, req.options ?? EMPTY_OPTIONS, deps.recording),
      };
    }),
    stopRecording: unary(
      "StopRecording",
      async (req): Promise<StopRecordingResponse> => ({
        stats: await stopRecording(sessions.get(req.sessionId)),
      }),
    ),
    listSessions: unary(
      "ListSessions",
      (): ListSessionsResponse => ({
        sessions: sessions.list().map((s) => ({
          sessionId: s.id,
          envId: s.spec.id,
          numEnvs: s.numEnvs,
          kind: s.kind,
          peer: s.peer,
          recording: recordingStatus(s),
        })),
      }),
    ),
    session: (call: ServerDuplexStream<SessionRequest, SessionResponse>) =>
      handleStream(call, deps),
  } satisfies Record<string, UntypedHandleCall>;
}

const EMPTY_OPTIONS: RecordingOptions = {
  name: "",
  format: "",
  overwrite: false,
  policyId: "",
  discardPartialEpisodes: false,
  maxEpisodes: 0,
};

/**
 * Opens a session for a MakeRequest and, when it asks (or the server records
 * everything), starts its recording; a session whose recording cannot start is closed.
 */
function openSession(
  deps: EnvServiceDeps,
  req: MakeRequest,
  kind: SessionKind,
  peer: string,
): { session: Session; response: MaybePromise<MakeResponse> } {
  const session = deps.sessions.open(openArgsFromMake(req, deps.registry, kind, peer));
  const options = req.record ?? (deps.recording.recordAllFormat ? EMPTY_OPTIONS : undefined);
  if (!options) return { session, response: makeResponse(session) };
  const response = startRecording(session, options, deps.recording).then(
    (recording) => ({ ...makeResponse(session), recording }),
    (err: unknown) => {
      deps.sessions.close(session.id, "recording could not start");
      throw err;
    },
  );
  return { session, response };
}

/** One Session stream: requests are answered in order; the session lives as long as the stream. */
function handleStream(
  call: ServerDuplexStream<SessionRequest, SessionResponse>,
  deps: EnvServiceDeps,
): void {
  const { sessions, logger } = deps;
  const peer = call.getPeer();
  const queue: SessionRequest[] = [];
  let session: Session | undefined;
  let running = false;
  let done = false;
  let idleWaiters: (() => void)[] = [];

  const requireSession = (): Session => {
    if (!session) throw new ProtocolError("the first request on a Session stream must be make");
    return session;
  };

  let authorized = false;
  const handle = (req: SessionRequest): MaybePromise<SessionResponse> => {
    if (!authorized) {
      checkAuth(call.metadata, deps.authToken);
      authorized = true;
    }
    rejectUndecodable(req);
    const r = req.request;
    switch (r?.$case) {
      case "make": {
        if (session)
          throw new ProtocolError(
            "this stream already has a session; close it before making another",
          );
        const opened = openSession(deps, r.value, "stream", peer);
        session = opened.session;
        return then(opened.response, (value) => ({ response: { $case: "make", value } }));
      }
      case "reset": {
        const s = requireSession();
        const { seed, options } = resetArgs(r.value);
        return then(s.reset(seed, options), (res) => ({
          response: { $case: "reset", value: resetResponse(s, res) },
        }));
      }
      case "step": {
        const s = requireSession();
        return then(s.step(stepAction(r.value, s), policyFromWire(r.value.policy, s)), (res) => ({
          response: { $case: "step", value: stepResponse(s, res) },
        }));
      }
      case "render":
        return { response: { $case: "render", value: renderResponse(requireSession().render()) } };
      case "close": {
        const finishing = session ? sessions.close(session.id) : undefined;
        session = undefined;
        const closed: SessionResponse = { response: { $case: "close", value: {} } };
        return finishing ? finishing.then(() => closed) : closed;
      }
      case "startRecording": {
        const s = requireSession();
        return startRecording(s, r.value.options ?? EMPTY_OPTIONS, deps.recording).then(
          (recording) => ({
            response: { $case: "startRecording", value: { recording } },
          }),
        );
      }
      case "stopRecording":
        return stopRecording(requireSession()).then((stats) => ({
          response: { $case: "stopRecording", value: { stats } },
        }));
      default:
        throw new ProtocolError(
          "empty SessionRequest: set one of make, reset, step, render, close",
        );
    }
  };

  const errorResponse = (err: unknown): SessionResponse => {
    const { status, unexpected } = toStatus(err);
    if (unexpected) logger.error({ err, session: session?.id }, "unexpected error");
    return { response: { $case: "error", value: status } };
  };

  // Synchronous envs are answered within the 'data' event; only asynchronous ones await.
  const drain = async (): Promise<void> => {
    running = true;
    while (queue.length > 0 && !done) {
      const req = queue.shift()!;
      let res: SessionResponse;
      try {
        const out = handle(req);
        res = out instanceof Promise ? await out.catch(errorResponse) : out;
      } catch (err) {
        res = errorResponse(err);
      }
      if (!done) call.write(res);
    }
    running = false;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const finish = (reason: string, termination: TerminationReason = "client_disconnected"): void => {
    if (done) return;
    done = true;
    deps.streams.delete(handle_);
    if (session) sessions.close(session.id, reason, termination);
    session = undefined;
  };

  const handle_: StreamHandle = {
    idle: () => (running ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    abort: (reason) => {
      finish(reason, "server_shutdown");
      call.emit("error", { code: 14, details: reason });
    },
  };
  deps.streams.add(handle_);

  call.on("data", (req: SessionRequest) => {
    if (done) return;
    queue.push(req);
    if (!running) void drain();
  });
  call.on("end", () => {
    // Answer what is still queued before closing the session and the stream.
    void handle_.idle().then(() => {
      finish("client closed the stream");
      call.end();
    });
  });
  call.on("cancelled", () => finish("client went away"));
  call.on("error", () => finish("stream error"));
  call.on("close", () => finish("stream closed"));
}
