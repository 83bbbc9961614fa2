/** Base class of the domain errors environments and sessions raise (no transport concepts). */
export class GymError extends Error {
  override name = "GymError";
}

/** An env id that is not registered; carries the closest registered ids. */
export class UnknownEnvError extends GymError {
  override name = "UnknownEnvError";
  constructor(
    readonly envId: string,
    readonly suggestions: readonly string[],
  ) {
    super(
      `unknown env id "${envId}"` +
        (suggestions.length > 0
          ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?`
          : ""),
    );
  }
}

/** A request argument that is malformed or out of range; `field` names it (e.g. "action[3]"). */
export class InvalidArgumentError extends GymError {
  override name = "InvalidArgumentError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** An action outside the action space; `field` names the offending element. */
export class InvalidActionError extends InvalidArgumentError {
  override name = "InvalidActionError";
}

/** A config value that the env's config schema rejects. */
export class InvalidConfigError extends InvalidArgumentError {
  override name = "InvalidConfigError";
}

/** An operation that the env's state does not allow yet (e.g. step before reset). */
export class PreconditionError extends GymError {
  override name = "PreconditionError";
  constructor(
    readonly precondition: string,
    message: string,
  ) {
    super(message);
  }
}

/** Gymnasium's ResetNeeded: step or render before the first reset. */
export class ResetNeededError extends PreconditionError {
  override name = "ResetNeededError";
  constructor(operation: string) {
    super("RESET_NEEDED", `cannot call ${operation} before reset: call reset first`);
  }
}

/** Step after a closed env. */
export class EnvClosedError extends PreconditionError {
  override name = "EnvClosedError";
  constructor(operation: string) {
    super("ENV_CLOSED", `cannot call ${operation} on a closed env`);
  }
}

/** A backend the env needs (e.g. an SDN controller) does not answer. */
export class BackendUnavailableError extends GymError {
  override name = "BackendUnavailableError";
  constructor(
    readonly backend: string,
    message: string,
  ) {
    super(message);
  }
}
