import type {
  Env,
  EnvMetadata,
  MaybePromise,
  RenderFrame,
  ResetArgs,
  ResetResult,
  StepResult,
} from "../env.js";
import type { Space, SpaceValue } from "../spaces/space.js";

/** Gymnasium's Wrapper: forwards everything to the wrapped env; subclasses override what they change. */
export class Wrapper<O extends SpaceValue = SpaceValue, A extends SpaceValue = SpaceValue>
  implements Env<O, A>
{
  constructor(readonly env: Env<O, A>) {}

  get observationSpace(): Space<O> {
    return this.env.observationSpace;
  }
  get actionSpace(): Space<A> {
    return this.env.actionSpace;
  }
  get metadata(): EnvMetadata {
    return this.env.metadata;
  }
  get renderMode(): string | undefined {
    return this.env.renderMode;
  }
  get unwrapped(): Env {
    return this.env.unwrapped;
  }
  reset(args?: ResetArgs): MaybePromise<ResetResult<O>> {
    return this.env.reset(args);
  }
  step(action: A): MaybePromise<StepResult<O>> {
    return this.env.step(action);
  }
  render(): RenderFrame | undefined {
    return this.env.render();
  }
  close(): void {
    this.env.close();
  }
}
