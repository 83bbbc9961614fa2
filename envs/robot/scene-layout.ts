import { BOX_STRIDE, CAPSULE_STRIDE, SPHERE_STRIDE } from "./ray-primitives.js";
import type { Camera, RenderScene, Rgb, Vec3 } from "./render-scene.js";

// One frame's scene in the form the ray caster wants: camera basis, light frame and every
// primitive in flat typed arrays (reused across frames, grown only when a scene has more
// primitives than any before) with two conservative culling bounds each. The bounds only
// skip work that could not produce a hit, so they never change a pixel.

/** Ints per screen rectangle: first and last column, first and last row. */
export const RECT_STRIDE = 4;
/** Floats per light-space bound: u, v across the light, w along it, radius. */
export const SHADOW_STRIDE = 4;

/** All primitives of one kind, flattened. */
export interface PrimitiveSet {
  count: number;
  /** Geometry, in the stride of ray-primitives.ts for this kind. */
  geom: Float64Array;
  /** RGB per primitive, clamped to 0..255. */
  colors: Float64Array;
  /** Pixel rectangle outside which no primary ray can hit the primitive (empty: first > last). */
  rects: Int32Array;
  /** Bounding sphere in light coordinates, to reject shadow rays that cannot hit the primitive. */
  shadow: Float64Array;
}

/** A reusable flattened scene for a width × height image. */
export interface SceneLayout {
  /** Eye (3), forward (3), right (3), up (3), half extents of the image plane at unit distance (2). */
  readonly view: Float64Array;
  /** Unit light direction l (3) and two unit vectors p, q across it (3 each). */
  readonly light: Float64Array;
  readonly capsules: PrimitiveSet;
  readonly spheres: PrimitiveSet;
  readonly boxes: PrimitiveSet;
  /** Loads a scene; throws RangeError on a degenerate camera, light or primitive. */
  load(scene: RenderScene): void;
}

/** Creates an empty layout for a width × height image. */
export function createSceneLayout(width: number, height: number): SceneLayout {
  const view = new Float64Array(14);
  const light = new Float64Array(9);
  const capsules = emptySet();
  const spheres = emptySet();
  const boxes = emptySet();

  function setCamera({ eye, target, up, fovYDeg }: Camera): void {
    if (!(fovYDeg > 0 && fovYDeg < 180))
      throw new RangeError(`scene renderer: fovYDeg must be in (0, 180), got ${fovYDeg}`);
    const f = unit(target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]);
    if (f === undefined)
      throw new RangeError("scene renderer: camera eye and target must be distinct finite points");
    const [fx, fy, fz] = f;
    const cross = [
      fy * up[2] - fz * up[1],
      fz * up[0] - fx * up[2],
      fx * up[1] - fy * up[0],
    ] as const;
    // Relative test: an up vector almost along the view would give an arbitrary roll.
    const r = Math.hypot(...cross) > 1e-9 * Math.hypot(...up) ? unit(...cross) : undefined;
    if (r === undefined)
      throw new RangeError("scene renderer: camera up must be finite and not parallel to the view");
    const [rx, ry, rz] = r;
    const halfH = Math.tan((fovYDeg * Math.PI) / 360);
    view.set([
      ...eye,
      fx,
      fy,
      fz,
      rx,
      ry,
      rz,
      ry * fz - rz * fy,
      rz * fx - rx * fz,
      rx * fy - ry * fx,
    ]);
    view[12] = (halfH * width) / height;
    view[13] = halfH;
  }

  function setLight(dir: Vec3): void {
    const l = unit(dir[0], dir[1], dir[2]);
    if (l === undefined)
      throw new RangeError("scene renderer: lightDir must be a finite non-zero vector");
    const [lx, ly, lz] = l;
    // p = l × (the world axis least aligned with l), q = l × p: an orthonormal frame.
    const ax = Math.abs(lx);
    const ay = Math.abs(ly);
    const az = Math.abs(lz);
    const p =
      ax <= ay && ax <= az ? unit(0, lz, -ly) : ay <= az ? unit(-lz, 0, lx) : unit(ly, -lx, 0);
    const [px, py, pz] = p!;
    light.set([lx, ly, lz, px, py, pz, ly * pz - lz * py, lz * px - lx * pz, lx * py - ly * px]);
  }

  /**
   * Writes the pixel rectangle the sphere (c, radius) can cover: the exact tangent slopes of
   * the sphere seen from the eye, widened by a pixel against rounding.
   */
  function rectOf(
    cx: number,
    cy: number,
    cz: number,
    radius: number,
    rects: Int32Array,
    o: number,
  ): void {
    const ox = cx - view[0]!;
    const oy = cy - view[1]!;
    const oz = cz - view[2]!;
    const X = ox * view[6]! + oy * view[7]! + oz * view[8]!;
    const Y = ox * view[9]! + oy * view[10]! + oz * view[11]!;
    const Z = ox * view[3]! + oy * view[4]! + oz * view[5]!;
    const den = Z * Z - radius * radius;
    // A sphere reaching the eye plane has no bounded projection: test it everywhere.
    if (!(Z > radius && den > 1e-9 * Z * Z)) {
      rects.set([0, width - 1, 0, height - 1], o);
      return;
    }
    const sx = radius * Math.sqrt(X * X + den);
    const sy = radius * Math.sqrt(Y * Y + den);
    // Slope s is column (s / halfW + 1)·width/2 − 0.5 and row (1 − s / halfH)·height/2 − 0.5.
    const col = (s: number) => ((s / den / view[12]! + 1) * width) / 2 - 0.5;
    const row = (s: number) => ((1 - s / den / view[13]!) * height) / 2 - 0.5;
    rects[o] = Math.max(0, Math.floor(col(X * Z - sx)) - 1);
    rects[o + 1] = Math.min(width - 1, Math.ceil(col(X * Z + sx)) + 1);
    rects[o + 2] = Math.max(0, Math.floor(row(Y * Z + sy)) - 1);
    rects[o + 3] = Math.min(height - 1, Math.ceil(row(Y * Z - sy)) + 1);
  }

  function shadowOf(
    cx: number,
    cy: number,
    cz: number,
    radius: number,
    shadow: Float64Array,
    o: number,
  ): void {
    shadow[o] = cx * light[3]! + cy * light[4]! + cz * light[5]!;
    shadow[o + 1] = cx * light[6]! + cy * light[7]! + cz * light[8]!;
    shadow[o + 2] = cx * light[0]! + cy * light[1]! + cz * light[2]!;
    shadow[o + 3] = radius;
  }

  function loadCapsules(list: RenderScene["capsules"]): void {
    reserve(capsules, list.length, CAPSULE_STRIDE);
    const { geom, rects } = capsules;
    list.forEach(({ a, b, radius, color }, k) => {
      checkRadius("capsule", k, radius);
      const o = k * CAPSULE_STRIDE;
      const ba = [b[0] - a[0], b[1] - a[1], b[2] - a[2]] as const;
      const baba = ba[0] * ba[0] + ba[1] * ba[1] + ba[2] * ba[2];
      geom.set([...a, ...ba, baba, radius], o);
      // The capsule is the hull of its end spheres, so its rectangle is the union of theirs.
      rectOf(a[0], a[1], a[2], radius, rects, k * RECT_STRIDE);
      const q = k * RECT_STRIDE;
      const [i0, i1, j0, j1] = [rects[q]!, rects[q + 1]!, rects[q + 2]!, rects[q + 3]!];
      rectOf(b[0], b[1], b[2], radius, rects, q);
      rects[q] = Math.min(i0, rects[q]!);
      rects[q + 1] = Math.max(i1, rects[q + 1]!);
      rects[q + 2] = Math.min(j0, rects[q + 2]!);
      rects[q + 3] = Math.max(j1, rects[q + 3]!);
      const c = [a[0] + ba[0] / 2, a[1] + ba[1] / 2, a[2] + ba[2] / 2] as const;
      shadowOf(...c, Math.sqrt(baba) / 2 + radius, capsules.shadow, k * SHADOW_STRIDE);
      setColor(capsules.colors, k, color);
    });
  }

  function loadSpheres(list: RenderScene["spheres"]): void {
    reserve(spheres, list.length, SPHERE_STRIDE);
    list.forEach(({ center, radius, color }, k) => {
      checkRadius("sphere", k, radius);
      spheres.geom.set([...center, radius], k * SPHERE_STRIDE);
      rectOf(...center, radius, spheres.rects, k * RECT_STRIDE);
      shadowOf(...center, radius, spheres.shadow, k * SHADOW_STRIDE);
      setColor(spheres.colors, k, color);
    });
  }

  function loadBoxes(list: RenderScene["boxes"]): void {
    reserve(boxes, list.length, BOX_STRIDE);
    list.forEach(({ min, max, color }, k) => {
      if (!(min[0] <= max[0] && min[1] <= max[1] && min[2] <= max[2]))
        throw new RangeError(`scene renderer: box ${k} needs min <= max on every axis`);
      boxes.geom.set([...min, ...max], k * BOX_STRIDE);
      const h = [(max[0] - min[0]) / 2, (max[1] - min[1]) / 2, (max[2] - min[2]) / 2] as const;
      const c = [min[0] + h[0], min[1] + h[1], min[2] + h[2]] as const;
      const radius = Math.hypot(...h);
      rectOf(...c, radius, boxes.rects, k * RECT_STRIDE);
      shadowOf(...c, radius, boxes.shadow, k * SHADOW_STRIDE);
      setColor(boxes.colors, k, color);
    });
  }

  return {
    view,
    light,
    capsules,
    spheres,
    boxes,
    load(scene) {
      setCamera(scene.camera);
      setLight(scene.lightDir);
      loadCapsules(scene.capsules);
      loadSpheres(scene.spheres);
      loadBoxes(scene.boxes);
    },
  };
}

function emptySet(): PrimitiveSet {
  return {
    count: 0,
    geom: new Float64Array(0),
    colors: new Float64Array(0),
    rects: new Int32Array(0),
    shadow: new Float64Array(0),
  };
}

function reserve(set: PrimitiveSet, count: number, stride: number): void {
  set.count = count;
  if (set.colors.length >= count * 3) return;
  set.geom = new Float64Array(count * stride);
  set.colors = new Float64Array(count * 3);
  set.rects = new Int32Array(count * RECT_STRIDE);
  set.shadow = new Float64Array(count * SHADOW_STRIDE);
}

/** The unit vector along (x, y, z), or undefined when it is zero or not finite. */
function unit(x: number, y: number, z: number): [number, number, number] | undefined {
  const n = Math.hypot(x, y, z);
  return n > 0 && Number.isFinite(n) ? [x / n, y / n, z / n] : undefined;
}

function checkRadius(what: string, index: number, radius: number): void {
  if (!(radius > 0 && Number.isFinite(radius)))
    throw new RangeError(
      `scene renderer: ${what} ${index} needs a finite positive radius, got ${radius}`,
    );
}

/** A colour channel clamped to 0..255; NaN counts as 0. */
export function clampChannel(v: number): number {
  return v >= 0 ? Math.min(v, 255) : 0;
}

function setColor(colors: Float64Array, k: number, color: Rgb): void {
  colors[k * 3] = clampChannel(color[0]);
  colors[k * 3 + 1] = clampChannel(color[1]);
  colors[k * 3 + 2] = clampChannel(color[2]);
}
