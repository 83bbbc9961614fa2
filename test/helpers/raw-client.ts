import { type ClientDuplexStream, credentials, type ServiceError } from "@grpc/grpc-js";
import { encodeTensor } from "../../proto/codec/tensor-codec.js";
import type { Any } from "../../proto/gen/ts/google/protobuf/any.js";
import { Status } from "../../proto/gen/ts/google/rpc/status.js";
import {
  EnvServiceClient,
  type SessionRequest,
  type SessionResponse,
} from "../../proto/gen/ts/gymrpc/v1/env_service.js";
import type { Tensor, Value } from "../../proto/gen/ts/gymrpc/v1/tensor.js";

/** The generated grpc-js client of gymrpc.v1.EnvService, without the TS client's wrapping. */
export function rawClient(address: string): EnvServiceClient {
  return new EnvServiceClient(address, credentials.createInsecure());
}

type Callback<T> = (err: ServiceError | null, res: T) => void;

/** Runs one callback-style unary call as a promise. */
export function call<T>(f: (cb: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    f((err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** The ServiceError a unary call fails with; throws if it succeeds. */
export async function callError<T>(f: (cb: Callback<T>) => unknown): Promise<ServiceError> {
  try {
    await call(f);
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The google.rpc.Status in a failed call's grpc-status-details-bin trailer. */
export function trailerStatus(err: ServiceError): Status {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (!(raw instanceof Buffer)) throw new Error(`no grpc-status-details-bin trailer on ${err}`);
  return Status.decode(raw);
}

/** Decodes the detail of type google.rpc.`name` in a status, if present. */
export function detail<T>(
  status: Status,
  name: string,
  codec: { decode(b: Uint8Array): T },
): T | undefined {
  const any: Any | undefined = status.details.find(
    (d) => d.typeUrl === `type.googleapis.com/google.rpc.${name}`,
  );
  return any ? codec.decode(any.value) : undefined;
}

/** A scalar int64 action, as a Discrete action travels. */
export function discreteAction(n: number): Value {
  return { kind: { $case: "tensor", value: encodeTensor(BigInt64Array.of(BigInt(n)), []) } };
}

/** A Value holding an arbitrary tensor (for malformed actions). */
export function tensorValue(t: Tensor): Value {
  return { kind: { $case: "tensor", value: t } };
}

/** The tensor inside a Value; throws if it holds something else. */
export function tensorOf(v: Value | undefined): Tensor {
  if (v?.kind?.$case !== "tensor") throw new Error(`expected a tensor, got ${v?.kind?.$case}`);
  return v.kind.value;
}

/** Polls `pred` every 10 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(pred: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A raw Session stream: each send resolves with the response to that request, in order. */
export class RawSessionStream {
  readonly call: ClientDuplexStream<SessionRequest, SessionResponse>;
  private readonly pending: { resolve(r: SessionResponse): void; reject(e: Error): void }[] = [];

  constructor(client: EnvServiceClient) {
    this.call = client.session();
    this.call.on("data", (r: SessionResponse) => this.pending.shift()?.resolve(r));
    this.call.on("error", (e: Error) => {
      for (const p of this.pending.splice(0)) p.reject(e);
    });
  }

  send(request: SessionRequest["request"]): Promise<SessionResponse> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.call.write({ request });
    });
  }

  end(): void {
    this.call.end();
  }
}
