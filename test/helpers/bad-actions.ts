import type { ActionInput } from "../../client/action-encoding.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";
import type { Space } from "../../envs/core/spaces/space.js";

/** One kind of invalid action and the element the server must name. */
export interface BadAction {
  readonly kind: string;
  readonly action: ActionInput;
  /** The BadRequest field the error must name. */
  readonly field: string;
}

/** Every kind of bad action for a space: wrong shape, wrong dtype, out of bounds, NaN, non-integer. */
export function badActions(space: Space): BadAction[] {
  if (space instanceof Discrete) {
    return [
      { kind: "above range", action: space.start + space.n, field: "action" },
      { kind: "below range", action: space.start - 1, field: "action" },
      { kind: "not an integer", action: space.start + 0.5, field: "action" },
      { kind: "NaN", action: Number.NaN, field: "action" },
      { kind: "wrong shape", action: BigInt64Array.of(0n, 0n), field: "action" },
      { kind: "float dtype", action: Float32Array.of(space.start), field: "action" },
    ];
  }
  if (space instanceof Box) {
    const size = space.size;
    const inside = () => {
      const a = new Float32Array(size);
      for (let i = 0; i < size; i++) a[i] = Math.max(space.low[i]!, Math.min(space.high[i]!, 0));
      return a;
    };
    const last = size - 1;
    const idx = space.shape.length === 1 ? `[${last}]` : "";
    const above = inside();
    above[last] = space.high[last]! + 1;
    const nan = inside();
    nan[last] = Number.NaN;
    return [
      { kind: "wrong shape", action: new Float32Array(size + 1), field: "action" },
      { kind: "unsafe dtype float64", action: Float64Array.from(inside()), field: "action" },
      { kind: "above bounds", action: above, field: `action${idx}` },
      { kind: "NaN", action: nan, field: `action${idx}` },
    ];
  }
  if (space instanceof MultiDiscrete) {
    const a = new BigInt64Array(space.nvec.length);
    a[0] = BigInt(space.start[0]! + space.nvec[0]!);
    return [
      { kind: "above range", action: a, field: "action[0]" },
      { kind: "wrong shape", action: new BigInt64Array(space.nvec.length + 1), field: "action" },
    ];
  }
  return [];
}
