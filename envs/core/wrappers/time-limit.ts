import {
  type Env,
  type MaybePromise,
  mapMaybe,
  type ResetArgs,
  type ResetResult,
  type StepResult,
} from "../env.js";
import type { SpaceValue } from "../spaces/space.js";
import { Wrapper } from "./wrapper.js";

/** Gymnasium's TimeLimit: truncates an episode after maxEpisodeSteps steps. */
export class TimeLimit<
  O extends SpaceValue = SpaceValue,
  A extends SpaceValue = SpaceValue,
> extends Wrapper<O, A> {
  private elapsed = 0;

  constructor(
    env: Env<O, A>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new TypeError(`maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
  }

  override reset(args?: ResetArgs): MaybePromise<ResetResult<O>> {
    this.elapsed = 0;
    return this.env.reset(args);
  }

  override step(action: A): MaybePromise<StepResult<O>> {
    return mapMaybe(this.env.step(action), (r) => {
      this.elapsed += 1;
      return this.elapsed >= this.maxEpisodeSteps && !r.truncated ? { ...r, truncated: true } : r;
    });
  }
}
