import { BinaryWriter } from "@bufbuild/protobuf/wire";
import {
  CloseSessionRequest,
  CloseSessionResponse,
  EnvServiceService,
  ListEnvsRequest,
  ListEnvsResponse,
  ListSessionsRequest,
  ListSessionsResponse,
  MakeRequest,
  MakeResponse,
  RenderRequest,
  RenderResponse,
  ResetRequest,
  ResetResponse,
  SessionRequest,
  SessionResponse,
  StartRecordingRequest,
  StartRecordingResponse,
  StepRequest,
  StepResponse,
  StopRecordingRequest,
  StopRecordingResponse,
} from "../gen/ts/gymrpc/v1/env_service.js";

type Codec<T> = { encode(m: T, w?: BinaryWriter): BinaryWriter; decode(b: Uint8Array): T };

// One writer for the process: encoding is synchronous, and a writer keeps its
// grown buffer across messages, so large observations stop reallocating it.
const writer = new BinaryWriter();

function serializer<T>(codec: Codec<T>): (v: T) => Buffer {
  return (v) => {
    const bytes = codec.encode(v, writer).finish();
    // finish() returns a fresh copy; wrap it instead of copying it again.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** Marks a request the server could not decode, so the handler answers INVALID_ARGUMENT instead of the stream dying. */
export const DECODE_ERROR = Symbol("gymrpc.decodeError");

/** The decoding failure of a request, if it had one. */
export function decodeError(req: object): string | undefined {
  return (req as { [DECODE_ERROR]?: string })[DECODE_ERROR];
}

function method<Req, Res, M extends object>(m: M, req: Codec<Req>, res: Codec<Res>) {
  return {
    ...m,
    requestSerialize: serializer(req),
    // grpc-js ends a whole stream when a message fails to decode (e.g. a 64-bit seed beyond
    // 2^53, which ts-proto refuses); hand the handler a marked empty request instead.
    requestDeserialize: (b: Buffer): Req => {
      try {
        return req.decode(b);
      } catch (e) {
        return { [DECODE_ERROR]: (e as Error).message } as Req;
      }
    },
    responseSerialize: serializer(res),
    responseDeserialize: (b: Buffer) => res.decode(b),
  };
}

/**
 * The EnvService definition for grpc-js with faster (de)serializers than the
 * generated ones: no second copy on encode, and `bytes` fields decoded as
 * views of the received message (tensor codecs copy only unaligned data).
 */
export const ENV_SERVICE_DEFINITION: typeof EnvServiceService = {
  listEnvs: method(EnvServiceService.listEnvs, ListEnvsRequest, ListEnvsResponse),
  make: method(EnvServiceService.make, MakeRequest, MakeResponse),
  reset: method(EnvServiceService.reset, ResetRequest, ResetResponse),
  step: method(EnvServiceService.step, StepRequest, StepResponse),
  render: method(EnvServiceService.render, RenderRequest, RenderResponse),
  closeSession: method(EnvServiceService.closeSession, CloseSessionRequest, CloseSessionResponse),
  startRecording: method(
    EnvServiceService.startRecording,
    StartRecordingRequest,
    StartRecordingResponse,
  ),
  stopRecording: method(
    EnvServiceService.stopRecording,
    StopRecordingRequest,
    StopRecordingResponse,
  ),
  listSessions: method(EnvServiceService.listSessions, ListSessionsRequest, ListSessionsResponse),
  session: method(EnvServiceService.session, SessionRequest, SessionResponse),
};
