import { allocate, type DtypeName, type TypedArray } from "../envs/core/dtype.js";

/** Elements per arena block of one dtype. */
const BLOCK = 1 << 16;

/**
 * Hands out zeroed typed arrays as views of large shared blocks. Recorded episodes
 * are many small arrays (a CartPole episode is ~20 rows): one ArrayBuffer each made
 * the garbage collector the recorder's biggest cost. A block lives while any view of
 * it does. Views must never be transferred (that would detach their neighbours).
 */
export class Arena {
  private readonly blocks = new Map<DtypeName, { data: TypedArray; used: number }>();

  /** A zeroed array of `length` elements of `dtype`. */
  take(dtype: DtypeName, length: number): TypedArray {
    if (length > BLOCK >> 2) return allocate(dtype, length);
    let b = this.blocks.get(dtype);
    if (!b || b.used + length > b.data.length) {
      b = { data: allocate(dtype, BLOCK), used: 0 };
      this.blocks.set(dtype, b);
    }
    const out = b.data.subarray(b.used, b.used + length);
    b.used += length;
    return out;
  }
}
