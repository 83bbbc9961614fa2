import { describe, expect, it } from "vitest";
import { MISS, rayBox, rayCapsule, raySphere } from "../../envs/robot/ray-primitives.js";
import {
  type Camera,
  createSceneRenderer,
  DEFAULT_AMBIENT,
  type RenderScene,
  type Rgb,
  type Vec3,
} from "../../envs/robot/scene-renderer.js";

const BG: Rgb = [10, 20, 30];
const ORANGE: Rgb = [200, 100, 40];
const BLUE: Rgb = [30, 60, 240];
// Looking along +y from y = −3: image right is world +x, image up is world +z.
const FRONT: Camera = { eye: [0, -3, 0], target: [0, 0, 0], up: [0, 0, 1], fovYDeg: 40 };
// Looking straight down from z = 3: image right is world +x, image up is world +y.
const TOP: Camera = { eye: [0, 0, 3], target: [0, 0, 0], up: [0, 1, 0], fovYDeg: 90 };

function scene(over: Partial<RenderScene>): RenderScene {
  return {
    camera: FRONT,
    lightDir: [0, -1, 0],
    capsules: [],
    spheres: [],
    boxes: [],
    background: BG,
    ...over,
  };
}

function pixel(img: Uint8Array, width: number, row: number, col: number): number[] {
  const o = (row * width + col) * 3;
  return [img[o]!, img[o + 1]!, img[o + 2]!];
}

const brightness = (rgb: number[]) => rgb[0]! + rgb[1]! + rgb[2]!;
const shaded = (c: Rgb, f: number) => c.map((v) => Math.round(v * f));
const norm = (x: number, y: number, z: number): Vec3 => {
  const n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
};

describe("createSceneRenderer", () => {
  it("shades a sphere in front of the camera at the centre pixel by the light", () => {
    const r = createSceneRenderer(33, 33);
    const ball = { center: [0, 0, 0] as Vec3, radius: 0.5, color: ORANGE };
    // Light straight from the camera: the centre normal faces it, full colour.
    const lit = r.render(scene({ spheres: [ball], lightDir: [0, -1, 0] }));
    expect(pixel(lit, 33, 16, 16)).toEqual([...ORANGE]);
    // Light 60° off the centre normal: ambient + (1 − ambient)·cos 60°.
    const oblique = r.render(scene({ spheres: [ball], lightDir: norm(0, -1, Math.sqrt(3)) }));
    const expected = shaded(ORANGE, DEFAULT_AMBIENT + (1 - DEFAULT_AMBIENT) * 0.5);
    const got = pixel(oblique, 33, 16, 16);
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c]! - expected[c]!)).toBeLessThanOrEqual(1);
  });

  it("writes the background wherever nothing is hit", () => {
    const r = createSceneRenderer(33, 33);
    const img = r.render(scene({ spheres: [{ center: [0, 0, 0], radius: 0.3, color: ORANGE }] }));
    for (const [row, col] of [
      [0, 0],
      [0, 32],
      [32, 0],
      [32, 32],
      [16, 0],
      [0, 16],
    ] as const)
      expect(pixel(img, 33, row, col)).toEqual([...BG]);
    const empty = r.render(scene({}));
    expect(empty.every((v, k) => v === BG[k % 3])).toBe(true);
  });

  it("lets the nearer object occlude the farther one, whatever the list order", () => {
    const r = createSceneRenderer(33, 33);
    const near = { center: [0, -1, 0] as Vec3, radius: 0.2, color: ORANGE };
    const far = { center: [0, 1, 0] as Vec3, radius: 0.8, color: BLUE };
    for (const spheres of [
      [near, far],
      [far, near],
    ]) {
      const img = r.render(scene({ spheres }));
      expect(pixel(img, 33, 16, 16)).toEqual([...ORANGE]);
      // Off the near sphere but on the far one.
      expect(pixel(img, 33, 16, 23)).not.toEqual([...ORANGE]);
      expect(brightness(pixel(img, 33, 16, 23))).toBeGreaterThan(brightness([...BG]));
    }
    // A capsule across the view in front of a wall box, and a box in front of a capsule.
    const bar = { a: [-2, -0.5, 0] as Vec3, b: [2, -0.5, 0] as Vec3, radius: 0.1, color: ORANGE };
    const wall = { min: [-2, 0.5, -2] as Vec3, max: [2, 0.7, 2] as Vec3, color: BLUE };
    const img = r.render(scene({ capsules: [bar], boxes: [wall] }));
    expect(pixel(img, 33, 16, 16)).toEqual([...ORANGE]);
    expect(pixel(img, 33, 4, 16)).toEqual([...BLUE]);
    const front = { min: [-0.3, -1.5, -0.3] as Vec3, max: [0.3, -1.4, 0.3] as Vec3, color: BLUE };
    expect(pixel(r.render(scene({ capsules: [bar], boxes: [front] })), 33, 16, 16)).toEqual([
      ...BLUE,
    ]);
  });

  it("hits a capsule seen end-on through its cap", () => {
    const r = createSceneRenderer(33, 33);
    const rod = { a: [0, -1, 0] as Vec3, b: [0, 1, 0] as Vec3, radius: 0.2, color: ORANGE };
    const img = r.render(scene({ capsules: [rod] }));
    // The ray runs exactly along the axis; the near cap's normal faces the light.
    expect(pixel(img, 33, 16, 16)).toEqual([...ORANGE]);
  });

  it("brightens the side facing the light and keeps only ambient when lit from below", () => {
    const r = createSceneRenderer(33, 33);
    const ball = { center: [0, 0, 0] as Vec3, radius: 0.8, color: ORANGE };
    const right = r.render(scene({ spheres: [ball], lightDir: [1, 0, 0] }));
    const left = r.render(scene({ spheres: [ball], lightDir: [-1, 0, 0] }));
    const [l, c] = [11, 21];
    expect(brightness(pixel(right, 33, 16, c))).toBeGreaterThan(
      brightness(pixel(right, 33, 16, l)),
    );
    expect(brightness(pixel(left, 33, 16, l))).toBeGreaterThan(brightness(pixel(left, 33, 16, c)));
    // The side turned away from the light keeps exactly the ambient share of its colour.
    expect(pixel(right, 33, 16, l)).toEqual(shaded(ORANGE, DEFAULT_AMBIENT));

    const table = { min: [-1, -1, -0.1] as Vec3, max: [1, 1, 0] as Vec3, color: ORANGE };
    const fromBelow = r.render(scene({ camera: TOP, boxes: [table], lightDir: [0, 0.6, -0.8] }));
    const fromAbove = r.render(scene({ camera: TOP, boxes: [table], lightDir: [0, 0, 1] }));
    expect(pixel(fromBelow, 33, 16, 16)).toEqual(shaded(ORANGE, DEFAULT_AMBIENT));
    expect(pixel(fromAbove, 33, 16, 16)).toEqual([...ORANGE]);
  });

  it("casts hard shadows towards the light (and not with shadows off)", () => {
    const table = { min: [-1, -1, -0.1] as Vec3, max: [1, 1, 0] as Vec3, color: ORANGE };
    const ball = { center: [0, 0, 0.3] as Vec3, radius: 0.1, color: BLUE };
    // Light from +x at 45°: the ball's shadow centre lands at x = −0.3, which the top camera
    // sees at slope −0.1, i.e. column (−0.1 + 1)·33/2 − 0.5 ≈ 14.
    const s = scene({ camera: TOP, boxes: [table], spheres: [ball], lightDir: norm(1, 0, 1) });
    const lit = shaded(ORANGE, DEFAULT_AMBIENT + (1 - DEFAULT_AMBIENT) * Math.SQRT1_2);
    const withShadows = createSceneRenderer(33, 33).render(s);
    expect(pixel(withShadows, 33, 16, 14)).toEqual(shaded(ORANGE, DEFAULT_AMBIENT));
    expect(pixel(withShadows, 33, 16, 20)).toEqual(lit);
    const noShadows = createSceneRenderer(33, 33, { shadows: false }).render(s);
    expect(pixel(noShadows, 33, 16, 14)).toEqual(lit);
  });

  it("is deterministic: the same scene gives the same bytes, across renderers and in between other scenes", () => {
    const s = scene({
      capsules: [{ a: [-0.5, 0, -0.5], b: [0.4, 0.2, 0.6], radius: 0.1, color: ORANGE }],
      spheres: [{ center: [0.3, -0.2, 0.1], radius: 0.2, color: BLUE }],
      boxes: [{ min: [-2, -1, -1.2], max: [2, 1, -0.6], color: [90, 160, 60] }],
      lightDir: norm(0.3, -0.5, 0.8),
    });
    const r = createSceneRenderer(48, 32);
    const first = r.render(s);
    const other = createSceneRenderer(48, 32);
    other.render(scene({ spheres: [{ center: [0, 0, 0], radius: 1, color: ORANGE }] }));
    expect(r.render(s)).toEqual(first);
    expect(other.render(s)).toEqual(first);
  });

  it("follows a moved camera (its cached ray directions are recomputed)", () => {
    const s = scene({
      spheres: [{ center: [0.3, 0, 0.2], radius: 0.3, color: ORANGE }],
      boxes: [{ min: [-1, -1, -0.6], max: [1, 1, -0.5], color: BLUE }],
    });
    const moved = { ...s, camera: { ...FRONT, eye: [1, -2.5, 1] as Vec3 } };
    const r = createSceneRenderer(24, 16);
    const before = r.render(s).slice();
    const after = r.render(moved);
    expect(after).toEqual(createSceneRenderer(24, 16).render(moved));
    expect(after).not.toEqual(before);
    expect(r.render(s)).toEqual(before);
  });

  it("returns row-major (height, width, 3) bytes, reusing out when given", () => {
    const r = createSceneRenderer(20, 10);
    expect([r.width, r.height]).toEqual([20, 10]);
    // A sphere right of centre shows in the right half of the middle rows only.
    const s = scene({ spheres: [{ center: [0.6, 0, 0], radius: 0.15, color: ORANGE }] });
    const img = r.render(s);
    expect(img).toBeInstanceOf(Uint8Array);
    expect(img.length).toBe(10 * 20 * 3);
    const hitCols = new Set<number>();
    for (let row = 0; row < 10; row++)
      for (let col = 0; col < 20; col++)
        if (pixel(img, 20, row, col)[0] !== BG[0]) hitCols.add(col);
    expect(hitCols.size).toBeGreaterThan(0);
    expect(Math.min(...hitCols)).toBeGreaterThanOrEqual(10);

    const out = new Uint8Array(10 * 20 * 3).fill(7);
    expect(r.render(s, out)).toBe(out);
    expect(out).toEqual(img);
    expect(() => r.render(s, new Uint8Array(10 * 20 * 3 - 1))).toThrow(RangeError);
  });

  it("rejects sizes that are not positive integers with a RangeError", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createSceneRenderer(bad, 8)).toThrow(RangeError);
      expect(() => createSceneRenderer(8, bad)).toThrow(/height must be an integer/);
    }
  });

  it("rejects a degenerate camera, light or primitive with a RangeError", () => {
    const r = createSceneRenderer(8, 8);
    const bad: Partial<RenderScene>[] = [
      { camera: { ...FRONT, target: FRONT.eye } },
      { camera: { ...FRONT, up: [0, 1, 0] } },
      { camera: { ...FRONT, fovYDeg: 0 } },
      { lightDir: [0, 0, 0] },
      { spheres: [{ center: [0, 0, 0], radius: -1, color: ORANGE }] },
      { boxes: [{ min: [1, 0, 0], max: [0, 1, 1], color: ORANGE }] },
    ];
    for (const over of bad) expect(() => r.render(scene(over))).toThrow(RangeError);
  });

  it("culls nothing it should draw: the hit mask matches brute-force ray casting", () => {
    // Objects near the image border, partly off-screen, and one surrounding the eye plane.
    const s = scene({
      camera: { eye: [0.9, -1.1, 0.7], target: [0.2, 0.1, 0.1], up: [0, 0, 1], fovYDeg: 50 },
      capsules: [
        { a: [-0.6, 0.4, 0], b: [0.8, -0.2, 0.9], radius: 0.03, color: ORANGE },
        { a: [0.9, -1.3, 0.7], b: [0.4, 0.5, 0.6], radius: 0.02, color: ORANGE },
        { a: [1.2, 0.7, 0.1], b: [1.3, 0.7, 0.5], radius: 0.05, color: ORANGE },
      ],
      spheres: [
        { center: [-0.3, 0.9, 0.4], radius: 0.04, color: BLUE },
        { center: [0.7, -0.4, 0.0], radius: 0.03, color: BLUE },
      ],
      boxes: [{ min: [-0.2, 0.6, -0.05], max: [0.1, 0.62, 0.3], color: BLUE }],
    });
    const [w, h] = [64, 48];
    const img = createSceneRenderer(w, h).render(s);
    const { eye, target, up, fovYDeg } = s.camera;
    const f = norm(target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]);
    const rt = norm(
      f[1] * up[2] - f[2] * up[1],
      f[2] * up[0] - f[0] * up[2],
      f[0] * up[1] - f[1] * up[0],
    );
    const u = [
      rt[1] * f[2] - rt[2] * f[1],
      rt[2] * f[0] - rt[0] * f[2],
      rt[0] * f[1] - rt[1] * f[0],
    ];
    const halfH = Math.tan((fovYDeg * Math.PI) / 360);
    const caps = s.capsules.map(({ a, b, radius }) => {
      const ba = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      return Float64Array.of(...a, ...ba, ba[0]! ** 2 + ba[1]! ** 2 + ba[2]! ** 2, radius);
    });
    const balls = s.spheres.map(({ center, radius }) => Float64Array.of(...center, radius));
    const boxes = s.boxes.map(({ min, max }) => Float64Array.of(...min, ...max));
    let hits = 0;
    for (let row = 0; row < h; row++)
      for (let col = 0; col < w; col++) {
        const sx = ((2 * (col + 0.5)) / w - 1) * halfH * (w / h);
        const sy = (1 - (2 * (row + 0.5)) / h) * halfH;
        const d = norm(
          f[0] + sx * rt[0] + sy * u[0]!,
          f[1] + sx * rt[1] + sy * u[1]!,
          f[2] + sx * rt[2] + sy * u[2]!,
        );
        const ray = [...eye, ...d] as [number, number, number, number, number, number];
        const hit =
          caps.some((c) => rayCapsule(...ray, c, 0, 0) !== MISS) ||
          balls.some((b) => raySphere(...ray, b, 0, 0) !== MISS) ||
          boxes.some((b) => rayBox(...ray, b, 0, 0) !== MISS);
        if (hit) hits++;
        const background = pixel(img, w, row, col).every((v, c) => v === BG[c]);
        expect(background, `pixel ${row},${col}`).toBe(!hit);
      }
    expect(hits).toBeGreaterThan(50);
  });
});
