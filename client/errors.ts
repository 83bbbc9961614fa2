import { status as Code, type ServiceError } from "@grpc/grpc-js";
import type { Any } from "../proto/gen/ts/google/protobuf/any.js";
import {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  QuotaFailure,
  ResourceInfo,
} from "../proto/gen/ts/google/rpc/error_details.js";
import { Status } from "../proto/gen/ts/google/rpc/status.js";

/** The google.rpc details a server attached to an error, decoded. */
export interface ErrorDetails {
  readonly errorInfo?: ErrorInfo;
  readonly badRequest?: BadRequest;
  readonly preconditionFailure?: PreconditionFailure;
  readonly quotaFailure?: QuotaFailure;
  readonly resourceInfo?: ResourceInfo;
}

/** An error from a gymrpc server: the gRPC status code, its message and decoded details. */
export class RemoteError extends Error {
  override name = "RemoteError";
  constructor(
    readonly code: Code,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  /** The name of the status code, e.g. INVALID_ARGUMENT. */
  get codeName(): string {
    return Code[this.code] ?? String(this.code);
  }

  /** The offending field a BadRequest names (e.g. "action[2]"), if any. */
  get field(): string | undefined {
    return this.details.badRequest?.fieldViolations[0]?.field;
  }
}

/** NOT_FOUND: unknown env id (see suggestions) or session. */
export class NotFoundError extends RemoteError {
  override name = "NotFoundError";
  /** Close matches of an unknown env id. */
  get suggestions(): string[] {
    const s = this.details.errorInfo?.metadata.suggestions;
    return s ? s.split(",").filter(Boolean) : [];
  }
}
/** INVALID_ARGUMENT: a bad action, config, seed or request. */
export class InvalidArgumentError extends RemoteError {
  override name = "InvalidArgumentError";
}
/** FAILED_PRECONDITION: e.g. step before reset. */
export class FailedPreconditionError extends RemoteError {
  override name = "FailedPreconditionError";
}
/** RESOURCE_EXHAUSTED: e.g. too many sessions. */
export class ResourceExhaustedError extends RemoteError {
  override name = "ResourceExhaustedError";
}
/** UNAVAILABLE: the server is unreachable or shutting down. */
export class UnavailableError extends RemoteError {
  override name = "UnavailableError";
}

const BY_CODE: Partial<
  Record<Code, new (code: Code, message: string, details: ErrorDetails) => RemoteError>
> = {
  [Code.NOT_FOUND]: NotFoundError,
  [Code.INVALID_ARGUMENT]: InvalidArgumentError,
  [Code.FAILED_PRECONDITION]: FailedPreconditionError,
  [Code.RESOURCE_EXHAUSTED]: ResourceExhaustedError,
  [Code.UNAVAILABLE]: UnavailableError,
};

/** The typed error for a google.rpc.Status. */
export function fromStatus(status: Status, context = ""): RemoteError {
  const ctor = BY_CODE[status.code as Code] ?? RemoteError;
  const message = context ? `${context}: ${status.message}` : status.message;
  return new ctor(status.code as Code, message, decodeDetails(status.details));
}

/** The typed error for a failed gRPC call, with details from its status trailer. */
export function fromServiceError(err: ServiceError, target: string): RemoteError {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (raw instanceof Buffer) {
    const status = Status.decode(raw);
    return fromStatus(status);
  }
  const message =
    err.code === Code.UNAVAILABLE
      ? `gymrpc server at ${target} is unavailable: ${err.details}`
      : err.details || err.message;
  return fromStatus({ code: err.code, message, details: [] });
}

function decodeDetails(anys: readonly Any[]): ErrorDetails {
  const out: Record<string, unknown> = {};
  for (const a of anys) {
    const type = a.typeUrl.slice(a.typeUrl.lastIndexOf("/") + 1);
    if (type === "google.rpc.ErrorInfo") out.errorInfo = ErrorInfo.decode(a.value);
    else if (type === "google.rpc.BadRequest") out.badRequest = BadRequest.decode(a.value);
    else if (type === "google.rpc.PreconditionFailure")
      out.preconditionFailure = PreconditionFailure.decode(a.value);
    else if (type === "google.rpc.QuotaFailure") out.quotaFailure = QuotaFailure.decode(a.value);
    else if (type === "google.rpc.ResourceInfo") out.resourceInfo = ResourceInfo.decode(a.value);
  }
  return out as ErrorDetails;
}
