import {
  type ChannelCredentials,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import type { EnvSpec } from "../envs/core/registry.js";
import { ENV_SERVICE_DEFINITION } from "../proto/codec/service-definition.js";
import { decodeSpec } from "../proto/codec/spec-codec.js";
import type {
  EnvServiceClient,
  ListSessionsRequest,
  ListSessionsResponse,
  MakeRequest,
  StartRecordingRequest,
  StartRecordingResponse,
  StopRecordingRequest,
  StopRecordingResponse,
} from "../proto/gen/ts/gymrpc/v1/env_service.js";
import { fromServiceError } from "./errors.js";
import {
  type DatasetStats,
  type RecordingInfo,
  type RecordOptions,
  recordingFromWire,
  recordOptionsToWire,
  statsFromWire,
} from "./recording.js";
import { expect, RemoteEnv } from "./remote-env.js";
import { RemoteVectorEnv } from "./remote-vector-env.js";
import { SessionStream } from "./session-stream.js";

// The generated client, built over the definition with the faster (de)serializers.
const FastEnvServiceClient = makeGenericClientConstructor(
  ENV_SERVICE_DEFINITION,
  "gymrpc.v1.EnvService",
) as unknown as new (
  ...args: ConstructorParameters<typeof EnvServiceClient>
) => EnvServiceClient;

/** A live session on the server. */
export interface SessionSummary {
  readonly sessionId: string;
  readonly envId: string;
  readonly numEnvs: number;
  readonly kind: string;
  readonly peer: string;
  readonly recording: RecordingInfo;
}

/** Options of connect. */
export interface ConnectOptions {
  /** Channel credentials; insecure by default (loopback and trusted networks). */
  readonly credentials?: ChannelCredentials;
  /** Largest message received or sent, in bytes. */
  readonly maxMessageBytes?: number;
  /** Sent as metadata "authorization: Bearer <token>" on every call. */
  readonly authToken?: string;
}

/** Options of make and makeVec. */
export interface RemoteMakeOptions {
  /** Settings as key/value pairs (snake_case, as in the env's config schema). */
  readonly config?: Record<string, unknown>;
  readonly renderMode?: string;
  readonly maxEpisodeSteps?: number;
  /** Record the session on the server from its first reset. */
  readonly record?: RecordOptions;
  /** The env's typed config message: its full name and encoded bytes (e.g. CartPoleConfig.encode(m).finish()). */
  readonly typedConfig?: { readonly messageType: string; readonly bytes: Uint8Array };
}

/** A connection to a gymrpc server. */
export class GymClient {
  private readonly client: EnvServiceClient;
  private readonly metadata = new Metadata();
  /** Open Session streams, cancelled by close so their sessions end with the channel. */
  private readonly streams = new Set<SessionStream>();

  constructor(
    readonly target: string,
    opts: ConnectOptions = {},
  ) {
    const max = opts.maxMessageBytes ?? 64 * 1024 * 1024;
    if (opts.authToken) this.metadata.set("authorization", `Bearer ${opts.authToken}`);
    this.client = new FastEnvServiceClient(
      target,
      opts.credentials ?? credentials.createInsecure(),
      {
        "grpc.max_receive_message_length": max,
        "grpc.max_send_message_length": max,
        // Per-message channelz and retry buffering cost latency; env calls are not retried blindly.
        "grpc.enable_channelz": 0,
        "grpc.enable_retries": 0,
      },
    );
  }

  /** Every env the server registers. */
  listEnvs(): Promise<EnvSpec[]> {
    return new Promise((resolve, reject) =>
      this.client.listEnvs({}, this.metadata, (err: ServiceError | null, res) =>
        err ? reject(fromServiceError(err, this.target)) : resolve(res.envs.map(decodeSpec)),
      ),
    );
  }

  /** Makes a single-env session on its own Session stream. */
  async make(envId: string, opts: RemoteMakeOptions = {}): Promise<RemoteEnv> {
    const { stream, made } = await this.open(envId, 0, opts);
    return new RemoteEnv(
      stream,
      made.sessionId,
      decodeSpec(made.spec!),
      made.renderMode || undefined,
      recordingFromWire(made.recording),
    );
  }

  /** Makes a vectorized session of numEnvs sub-envs on its own Session stream. */
  async makeVec(
    envId: string,
    numEnvs: number,
    opts: RemoteMakeOptions = {},
  ): Promise<RemoteVectorEnv> {
    const { stream, made } = await this.open(envId, numEnvs, opts);
    return new RemoteVectorEnv(
      stream,
      made.sessionId,
      decodeSpec(made.spec!),
      made.numEnvs,
      made.renderMode || undefined,
      recordingFromWire(made.recording),
    );
  }

  /** Starts recording a live session by id, whichever client drives it. */
  async startRecording(sessionId: string, opts: RecordOptions = {}): Promise<RecordingInfo> {
    const res = await this.unary<StartRecordingRequest, StartRecordingResponse>(
      this.client.startRecording,
      { sessionId, options: recordOptionsToWire(opts) },
    );
    return recordingFromWire(res.recording);
  }

  /** Stops a session's recording and returns the finished dataset's stats. */
  async stopRecording(sessionId: string): Promise<DatasetStats> {
    return statsFromWire(
      (
        await this.unary<StopRecordingRequest, StopRecordingResponse>(this.client.stopRecording, {
          sessionId,
        })
      ).stats,
    );
  }

  /** Every live session on the server. */
  async listSessions(): Promise<SessionSummary[]> {
    const res = await this.unary<ListSessionsRequest, ListSessionsResponse>(
      this.client.listSessions,
      {},
    );
    return res.sessions.map((s) => ({
      sessionId: s.sessionId,
      envId: s.envId,
      numEnvs: s.numEnvs,
      kind: s.kind,
      peer: s.peer,
      recording: recordingFromWire(s.recording),
    }));
  }

  private unary<Req, Res>(
    fn: (req: Req, md: Metadata, cb: (err: ServiceError | null, res: Res) => void) => unknown,
    req: Req,
  ): Promise<Res> {
    return new Promise((resolve, reject) =>
      fn.call(this.client, req, this.metadata, (err, res) =>
        err ? reject(fromServiceError(err, this.target)) : resolve(res),
      ),
    );
  }

  /** Closes the channel and cancels its Session streams (the server closes their sessions). */
  close(): void {
    for (const s of this.streams) s.cancel();
    this.streams.clear();
    this.client.close();
  }

  private async open(envId: string, numEnvs: number, opts: RemoteMakeOptions) {
    const stream: SessionStream = new SessionStream(
      this.client.session(this.metadata),
      this.target,
      () => this.streams.delete(stream),
    );
    this.streams.add(stream);
    const req: MakeRequest = {
      envId,
      typedConfig: opts.typedConfig
        ? {
            typeUrl: `type.googleapis.com/${opts.typedConfig.messageType}`,
            value: Buffer.from(opts.typedConfig.bytes),
          }
        : undefined,
      config: opts.config,
      numEnvs,
      renderMode: opts.renderMode ?? "",
      maxEpisodeSteps: opts.maxEpisodeSteps ?? 0,
      record: opts.record && recordOptionsToWire(opts.record),
    };
    try {
      const made = expect(await stream.request({ request: { $case: "make", value: req } }), "make");
      return { stream, made };
    } catch (err) {
      stream.end();
      throw err;
    }
  }
}

/** Connects to a gymrpc server at `target` ("host:port" or "unix:/path"). */
export function connect(target: string, opts: ConnectOptions = {}): GymClient {
  return new GymClient(target, opts);
}
