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

function method<Req, Res, M extends object>(m: M, req: Codec<Req>, res: Codec<Res>) {
  return {
    ...m,
    requestSerialize: serializer(req),
    requestDeserialize: (b: Buffer) => req.decode(b),
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
