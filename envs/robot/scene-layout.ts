import { BOX_STRIDE, CAPSULE_STRIDE, SPHERE_STRIDE } from "./ray-primitives.js";
import type { Camera, RenderScene, Rgb, Vec3 } from "./render-scene.js";

// One frame's scene in the form the ray caster wants: camera basis, light frame and every
// primitive in flat typed arrays (reused across frames, grown only when a scene has more
// primitives than any before) with two conservative culling bounds each: the columns each
// image row can hit, and a bounding sphere across the light for shadow rays. The bounds only
// skip work that could not produce a hit, so they never change a pixel.

/** Floats per screen bound: two end points in camera coordinates (right, up, forward) and a radius. */
export const ENDS_STRIDE = 7;
/** Floats per light-space bound: u, v across the light, w along it, radius. */
export const SHADOW_STRIDE = 4;

/** All primitives of one kind, flattened. */
export interface PrimitiveSet {
  count: number;
  /** Geometry, in the stride of ray-primitives.ts for this kind. */
  geom: Float64Array;
  /** RGB per primitive, clamped to 0..255. */
  colors: Float64Array;
  /**
   * A capsule around the primitive in camera coordinates (the capsule itself, a sphere as a
   * zero-length capsule, a box's bounding sphere), for the columns each image row can hit.
   */
  ends: Float64Array;
  /** Bounding sphere in light coordinates, to reject shadow rays that cannot hit the primitive. */
  shadow: Float64Array;
  /**
   * Light-space box around all the shadow bounds of the set (u min, u max, v min, v max, w max):
   * a shadow ray from outside it can skip the whole set (most of the table under a small arm).
   */
  readonly shadowBox: Float64Array;
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
  /**
   * Writes to spans[o], spans[o + 1] the first and last column in which a primary ray of image
   * row j can hit the k-th primitive of set; returns false when no ray of the row can.
   */
  rowSpan(set: PrimitiveSet, k: number, j: number, spans: Int32Array, o: number): boolean;
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

  /** Writes the capsule (a, b, radius) in camera coordinates to ends[o..]. */
  function endsOf(a: Vec3, b: Vec3, radius: number, ends: Float64Array, o: number): void {
    for (const [p, at] of [
      [a, o],
      [b, o + 3],
    ] as const) {
      const x = p[0] - view[0]!;
      const y = p[1] - view[1]!;
      const z = p[2] - view[2]!;
      ends[at] = x * view[6]! + y * view[7]! + z * view[8]!;
      ends[at + 1] = x * view[9]! + y * view[10]! + z * view[11]!;
      ends[at + 2] = x * view[3]! + y * view[4]! + z * view[5]!;
    }
    // A hair larger than the primitive, so rounding never drops a grazing pixel.
    ends[o + 6] = radius * (1 + 1e-9) + 1e-12;
  }

  function rowSpan(set: PrimitiveSet, k: number, j: number, spans: Int32Array, o: number): boolean {
    const e = set.ends;
    const q = k * ENDS_STRIDE;
    const r = e[q + 6]!;
    // Row j's rays sweep the plane through the eye with normal (up − sy·forward); a point's
    // signed distance to it is (Y − sy·Z)/m. Points of the capsule in that plane lie within r
    // of the part of its axis no farther than r from the plane: axis parameters [t0, t1].
    const sy = (1 - (2 * (j + 0.5)) / height) * view[13]!;
    const m = Math.sqrt(1 + sy * sy);
    const da = (e[q + 1]! - sy * e[q + 2]!) / m;
    const ds = (e[q + 4]! - sy * e[q + 5]!) / m - da;
    let t0 = 0;
    let t1 = 1;
    if (ds === 0) {
      if (Math.abs(da) > r) return false;
    } else {
      const u = (-r - da) / ds;
      const v = (r - da) / ds;
      t0 = Math.max(0, Math.min(u, v));
      t1 = Math.min(1, Math.max(u, v));
      if (t0 > t1) return false;
    }
    // The slope X/Z over the capsule between those two balls ranges over the union of the
    // balls' own ranges (exact tangent slopes), as long as both lie in front of the eye.
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const t of [t0, t1]) {
      const X = e[q]! + t * (e[q + 3]! - e[q]!);
      const Z = e[q + 2]! + t * (e[q + 5]! - e[q + 2]!);
      const den = Z * Z - r * r;
      if (!(Z > r && den > 1e-9 * Z * Z)) {
        spans[o] = 0;
        spans[o + 1] = width - 1;
        return true;
      }
      const w = r * Math.sqrt(X * X + den);
      lo = Math.min(lo, (X * Z - w) / den);
      hi = Math.max(hi, (X * Z + w) / den);
    }
    // Slope s is column (s / halfW + 1)·width/2 − 0.5; widened by a pixel against rounding.
    const first = Math.max(0, Math.floor(((lo / view[12]! + 1) * width) / 2 - 0.5) - 1);
    const last = Math.min(width - 1, Math.ceil(((hi / view[12]! + 1) * width) / 2 - 0.5) + 1);
    spans[o] = first;
    spans[o + 1] = last;
    return first <= last;
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
    const { geom } = capsules;
    list.forEach(({ a, b, radius, color }, k) => {
      checkRadius("capsule", k, radius);
      const o = k * CAPSULE_STRIDE;
      const ba = [b[0] - a[0], b[1] - a[1], b[2] - a[2]] as const;
      const baba = ba[0] * ba[0] + ba[1] * ba[1] + ba[2] * ba[2];
      geom.set([...a, ...ba, baba, radius], o);
      endsOf(a, b, radius, capsules.ends, k * ENDS_STRIDE);
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
      endsOf(center, center, radius, spheres.ends, k * ENDS_STRIDE);
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
      endsOf(c, c, radius, boxes.ends, k * ENDS_STRIDE);
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
      for (const set of [capsules, spheres, boxes]) boundShadows(set);
    },
    rowSpan,
  };
}

function emptySet(): PrimitiveSet {
  return {
    count: 0,
    geom: new Float64Array(0),
    colors: new Float64Array(0),
    ends: new Float64Array(0),
    shadow: new Float64Array(0),
    shadowBox: new Float64Array(5),
  };
}

function reserve(set: PrimitiveSet, count: number, stride: number): void {
  set.count = count;
  if (set.colors.length >= count * 3) return;
  set.geom = new Float64Array(count * stride);
  set.colors = new Float64Array(count * 3);
  set.ends = new Float64Array(count * ENDS_STRIDE);
  set.shadow = new Float64Array(count * SHADOW_STRIDE);
}

function boundShadows({ count, shadow, shadowBox }: PrimitiveSet): void {
  // An empty set gets an inverted box that rejects every ray.
  shadowBox.set([Infinity, -Infinity, Infinity, -Infinity, -Infinity]);
  for (let k = 0; k < count; k++) {
    const [u, v, w, r] = shadow.subarray(k * SHADOW_STRIDE, k * SHADOW_STRIDE + 4);
    shadowBox[0] = Math.min(shadowBox[0]!, u! - r!);
    shadowBox[1] = Math.max(shadowBox[1]!, u! + r!);
    shadowBox[2] = Math.min(shadowBox[2]!, v! - r!);
    shadowBox[3] = Math.max(shadowBox[3]!, v! + r!);
    shadowBox[4] = Math.max(shadowBox[4]!, w! + r!);
  }
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
