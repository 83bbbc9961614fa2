import type { MaybePromise, StepResult } from "../env.js";
import { InvalidActionError } from "../errors.js";
import type { Space, SpaceValue } from "../spaces/space.js";
import { Wrapper } from "./wrapper.js";

/** Throws InvalidActionError, naming the offending element, unless `action` is in `space`. */
export function checkAction(space: Space, action: unknown, path = "action"): void {
  const bad = space.check(action, path);
  if (bad) throw new InvalidActionError(bad.path, bad.reason);
}

/** Rejects every action outside the action space before it reaches the simulator. */
export class ActionChecker<
  O extends SpaceValue = SpaceValue,
  A extends SpaceValue = SpaceValue,
> extends Wrapper<O, A> {
  override step(action: A): MaybePromise<StepResult<O>> {
    checkAction(this.actionSpace, action);
    return this.env.step(action);
  }
}
