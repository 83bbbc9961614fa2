import { status as Code, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  BackendUnavailableError,
  InvalidArgumentError,
  PreconditionError,
  UnknownEnvError,
} from "../envs/core/errors.js";
import type { Any } from "../proto/gen/ts/google/protobuf/any.js";
import {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  QuotaFailure,
  ResourceInfo,
} from "../proto/gen/ts/google/rpc/error_details.js";
import { Status } from "../proto/gen/ts/google/rpc/status.js";
import { RecordingError, type RecordingFailure } from "../recorders/recording-errors.js";
import {
  ProtocolError,
  SessionLimitError,
  SessionNotFoundError,
  ShuttingDownError,
  UnauthenticatedError,
} from "./session-errors.js";

/** The trailer gRPC uses for google.rpc.Status with details. */
export const STATUS_DETAILS_KEY = "grpc-status-details-bin";

/** Domain of gymrpc's ErrorInfo details. */
export const ERROR_DOMAIN = "gymrpc";

type MessageCodec<T> = { encode(m: T): { finish(): Uint8Array }; fromPartial(m: object): T };

function pack<T>(name: string, codec: MessageCodec<T>, m: object): Any {
  return {
    typeUrl: `type.googleapis.com/google.rpc.${name}`,
    value: Buffer.from(codec.encode(codec.fromPartial(m)).finish()),
  };
}

function info(reason: string, metadata: Record<string, string> = {}): Any {
  return pack("ErrorInfo", ErrorInfo, { reason, domain: ERROR_DOMAIN, metadata });
}

/** One row of the table: which errors, which code, which details. */
interface Mapping {
  readonly match: (e: Error) => boolean;
  readonly code: Code;
  readonly details: (e: Error) => Any[];
}

/** The one table from domain errors to gRPC status codes and google.rpc details. */
const TABLE: readonly Mapping[] = [
  {
    match: (e) => e instanceof UnknownEnvError,
    code: Code.NOT_FOUND,
    details: (e) => {
      const u = e as UnknownEnvError;
      return [
        pack("ResourceInfo", ResourceInfo, {
          resourceType: "env",
          resourceName: u.envId,
          description: u.suggestions.length
            ? `close matches: ${u.suggestions.join(", ")}`
            : "no close matches",
        }),
        info("UNKNOWN_ENV", { env_id: u.envId, suggestions: u.suggestions.join(",") }),
      ];
    },
  },
  {
    match: (e) => e instanceof SessionNotFoundError,
    code: Code.NOT_FOUND,
    details: (e) => [
      pack("ResourceInfo", ResourceInfo, {
        resourceType: "session",
        resourceName: (e as SessionNotFoundError).sessionId,
      }),
      info("UNKNOWN_SESSION"),
    ],
  },
  {
    match: (e) => e instanceof InvalidArgumentError,
    code: Code.INVALID_ARGUMENT,
    details: (e) => {
      const a = e as InvalidArgumentError;
      return [
        pack("BadRequest", BadRequest, {
          fieldViolations: [{ field: a.field, description: a.reason }],
        }),
        info(a.name === "InvalidActionError" ? "INVALID_ACTION" : "INVALID_ARGUMENT", {
          field: a.field,
        }),
      ];
    },
  },
  {
    match: (e) => e instanceof ProtocolError,
    code: Code.INVALID_ARGUMENT,
    details: () => [info("PROTOCOL")],
  },
  {
    match: (e) => e instanceof PreconditionError,
    code: Code.FAILED_PRECONDITION,
    details: (e) => {
      const p = e as PreconditionError;
      return [
        pack("PreconditionFailure", PreconditionFailure, {
          violations: [{ type: p.precondition, subject: "session", description: p.message }],
        }),
        info(p.precondition),
      ];
    },
  },
  {
    match: (e) => e instanceof SessionLimitError,
    code: Code.RESOURCE_EXHAUSTED,
    details: (e) => [
      pack("QuotaFailure", QuotaFailure, {
        violations: [{ subject: "sessions", description: e.message }],
      }),
      info("TOO_MANY_SESSIONS", { max_sessions: String((e as SessionLimitError).maxSessions) }),
    ],
  },
  {
    match: (e) => e instanceof ShuttingDownError,
    code: Code.UNAVAILABLE,
    details: () => [info("SHUTTING_DOWN")],
  },
  {
    match: (e) => e instanceof UnauthenticatedError,
    code: Code.UNAUTHENTICATED,
    details: () => [info("UNAUTHENTICATED")],
  },
  {
    match: (e) => e instanceof RecordingError,
    code: Code.INTERNAL,
    details: (e) => {
      const r = e as RecordingError;
      return [
        pack("ResourceInfo", ResourceInfo, {
          resourceType: "dataset",
          resourceName: r.path,
          description: r.message,
        }),
        info("RECORDING_FAILED", { path: r.path, failure: r.failure }),
      ];
    },
  },
  {
    match: (e) => e instanceof BackendUnavailableError,
    code: Code.UNAVAILABLE,
    details: (e) => [
      info("BACKEND_UNAVAILABLE", { backend: (e as BackendUnavailableError).backend }),
    ],
  },
];

// Storage failures get the code of their cause.
const RECORDING_CODES: Readonly<Record<RecordingFailure, Code>> = {
  permission: Code.PERMISSION_DENIED,
  no_space: Code.RESOURCE_EXHAUSTED,
  exists: Code.ALREADY_EXISTS,
  io: Code.INTERNAL,
};

/** The google.rpc.Status for an error, and whether it was unexpected (a bug to log loudly). */
export function toStatus(err: unknown): { status: Status; unexpected: boolean } {
  const e = err instanceof Error ? err : new Error(String(err));
  const row = TABLE.find((m) => m.match(e));
  if (row && e instanceof RecordingError) {
    return {
      status: { code: RECORDING_CODES[e.failure], message: e.message, details: row.details(e) },
      unexpected: false,
    };
  }
  if (!row) {
    return {
      status: {
        code: Code.INTERNAL,
        message: `internal error: ${e.message}`,
        details: [info("INTERNAL")],
      },
      unexpected: true,
    };
  }
  return {
    status: { code: row.code, message: e.message, details: row.details(e) },
    unexpected: false,
  };
}

/** A grpc-js ServiceError carrying the status and its details trailer. */
export function toServiceError(status: Status): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode(status).finish()));
  return { code: status.code, details: status.message, metadata };
}
