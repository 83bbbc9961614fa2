import {
  type MaybePromise,
  mapMaybe,
  type RenderFrame,
  type ResetArgs,
  type ResetResult,
  type StepResult,
} from "../env.js";
import { EnvClosedError, ResetNeededError } from "../errors.js";
import type { SpaceValue } from "../spaces/space.js";
import { Wrapper } from "./wrapper.js";

/** Gymnasium's OrderEnforcing: no step or render before reset, nothing after close (close twice is harmless). */
export class OrderEnforcing<
  O extends SpaceValue = SpaceValue,
  A extends SpaceValue = SpaceValue,
> extends Wrapper<O, A> {
  private hasReset = false;
  private closed = false;

  /** True once reset has been called. */
  get hasBeenReset(): boolean {
    return this.hasReset;
  }

  override reset(args?: ResetArgs): MaybePromise<ResetResult<O>> {
    if (this.closed) throw new EnvClosedError("reset");
    return mapMaybe(this.env.reset(args), (r) => {
      this.hasReset = true;
      return r;
    });
  }

  override step(action: A): MaybePromise<StepResult<O>> {
    if (this.closed) throw new EnvClosedError("step");
    if (!this.hasReset) throw new ResetNeededError("step");
    return this.env.step(action);
  }

  override render(): RenderFrame | undefined {
    if (this.closed) throw new EnvClosedError("render");
    if (!this.hasReset) throw new ResetNeededError("render");
    return this.env.render();
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    this.env.close();
  }
}
