export type { ActionInput } from "./action-encoding.js";
export { type ConnectOptions, connect, GymClient, type RemoteMakeOptions } from "./connect.js";
export {
  type ErrorDetails,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  RemoteError,
  ResourceExhaustedError,
  UnavailableError,
} from "./errors.js";
export {
  RemoteEnv,
  type RemoteResetArgs,
  type RemoteResetResult,
  type RemoteStepResult,
} from "./remote-env.js";
export {
  RemoteVectorEnv,
  type RemoteVectorResetResult,
  type RemoteVectorStepResult,
} from "./remote-vector-env.js";
