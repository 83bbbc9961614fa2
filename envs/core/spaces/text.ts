import type { Rng } from "../rng.js";
import type { Space, Violation } from "./space.js";
import { describe } from "./tensor-check.js";
import { Tuple } from "./tuple.js";

/** Gymnasium's default Text charset: ASCII letters and digits. */
export const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** gymnasium.spaces.Text: strings of min_length..max_length characters from a charset. */
export class Text implements Space<string> {
  readonly kind = "text";
  readonly shape = undefined;
  readonly dtype = undefined;
  readonly charset: string;
  private readonly chars: ReadonlySet<string>;

  constructor(
    readonly maxLength: number,
    readonly minLength = 1,
    charset: string = ALPHANUMERIC,
  ) {
    if (!(Number.isInteger(minLength) && minLength >= 0 && maxLength >= minLength)) {
      throw new TypeError(`Text lengths ${minLength}..${maxLength} are not valid`);
    }
    this.charset = charset;
    this.chars = new Set(charset);
  }

  check(x: unknown, path: string): Violation | undefined {
    if (typeof x !== "string") return { path, reason: `expected a string, got ${describe(x)}` };
    const chars = [...x];
    if (chars.length < this.minLength || chars.length > this.maxLength) {
      return {
        path,
        reason: `has length ${chars.length}, outside [${this.minLength}, ${this.maxLength}]`,
      };
    }
    const i = chars.findIndex((c) => !this.chars.has(c));
    if (i >= 0)
      return {
        path: `${path}[${i}]`,
        reason: `character ${JSON.stringify(chars[i])} is not in the charset`,
      };
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  sample(rng: Rng): string {
    const chars = [...this.charset];
    const len = rng.integers(this.minLength, this.maxLength + 1);
    let s = "";
    for (let i = 0; i < len; i++) s += chars[rng.integers(0, chars.length)];
    return s;
  }

  batch(n: number): Tuple {
    return new Tuple(Array.from({ length: n }, () => this));
  }

  toString(): string {
    return `Text(${this.minLength}, ${this.maxLength}, charset=${this.charset})`;
  }
}
