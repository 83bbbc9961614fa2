import type {
  Env,
  EnvMetadata,
  MaybePromise,
  RenderFrame,
  ResetArgs,
  ResetResult,
  StepResult,
} from "./env.js";
import { createRng, type Rng, randomSeed, validateSeed } from "./rng.js";
import type { Space, SpaceValue } from "./spaces/space.js";

/** Base class of simulators: owns the seeded RNG as Gymnasium's Env owns np_random. */
export abstract class BaseEnv<O extends SpaceValue = SpaceValue, A extends SpaceValue = SpaceValue>
  implements Env<O, A>
{
  abstract readonly observationSpace: Space<O>;
  abstract readonly actionSpace: Space<A>;
  readonly metadata: EnvMetadata = { renderModes: [], renderFps: 0 };
  renderMode: string | undefined = undefined;
  private rng: Rng | undefined;

  get unwrapped(): Env {
    return this;
  }

  /** The env's RNG; seeded from the OS on first use unless reset was given a seed. */
  get npRandom(): Rng {
    this.rng ??= createRng(randomSeed());
    return this.rng;
  }

  /** Call first in reset, as Gymnasium's super().reset(seed=seed): a seed restarts the RNG stream. */
  protected seedRng(seed: number | undefined): void {
    if (seed !== undefined) this.rng = createRng(validateSeed(seed));
  }

  abstract reset(args?: ResetArgs): MaybePromise<ResetResult<O>>;
  abstract step(action: A): MaybePromise<StepResult<O>>;

  render(): RenderFrame | undefined {
    return undefined;
  }

  close(): void {}
}
