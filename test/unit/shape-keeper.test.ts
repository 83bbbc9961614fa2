import { describe, expect, it } from "vitest";
import { collectGarbage } from "../../bench/heap.js";
import { keepShape } from "../../recorders/shape-keeper.js";

class Kept {
  constructor(readonly bytes: Uint8Array) {
    keepShape(this);
  }
}

class Other {
  constructor() {
    keepShape(this);
  }
}

/** A turn of the event loop: a WeakRef's target is held until the job that made it ends. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("keepShape", () => {
  it("keeps the latest instance of each class alive, and only the latest", async () => {
    const first = new WeakRef(new Kept(new Uint8Array(1 << 20)));
    const other = new WeakRef(new Other());
    const second = new WeakRef(new Kept(new Uint8Array(16)));
    await turn();
    collectGarbage();
    // The first instance was replaced: a kept instance's buffers do not pile up.
    expect(first.deref()).toBeUndefined();
    expect(second.deref()?.bytes.length).toBe(16);
    expect(other.deref()).toBeInstanceOf(Other);
  });
});
