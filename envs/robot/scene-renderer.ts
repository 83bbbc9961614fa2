import {
  BOX_STRIDE,
  boxNormal,
  CAPSULE_STRIDE,
  capsuleNormal,
  MISS,
  rayBox,
  rayCapsule,
  raySphere,
  SPHERE_STRIDE,
  sphereNormal,
} from "./ray-primitives.js";
import type { RenderScene } from "./render-scene.js";
import {
  clampChannel,
  createSceneLayout,
  type PrimitiveSet,
  SHADOW_STRIDE,
} from "./scene-layout.js";

// A tiny CPU ray caster for the robot envs' camera observation: one primary ray per pixel
// through a pinhole camera, nearest hit among capsules, spheres and axis-aligned boxes,
// Lambert shading over an ambient floor, and a hard shadow ray towards a directional light.
// Pure float math in a fixed order, so the same scene always yields the same bytes.

export type { Camera, RenderScene, Rgb, Vec3 } from "./render-scene.js";

/** Renders into a row-major (height, width, 3) uint8 buffer (allocated when `out` is omitted). */
export interface SceneRenderer {
  readonly width: number;
  readonly height: number;
  render(scene: RenderScene, out?: Uint8Array): Uint8Array;
}

/** Optional shading settings of createSceneRenderer. */
export interface SceneRendererOptions {
  /** Fraction of its colour a surface keeps when facing away from the light (default DEFAULT_AMBIENT). */
  readonly ambient?: number;
  /** Cast a shadow ray from each lit pixel (default true). */
  readonly shadows?: boolean;
}

/** Default ambient term: unlit surfaces keep a quarter of their colour, so shapes stay readable. */
export const DEFAULT_AMBIENT = 0.25;

/** Largest accepted image side; far beyond any observation size, it catches unit mix-ups early. */
export const MAX_IMAGE_SIDE = 4096;

// Shadow rays start this far (metres) off the surface along its normal so they do not hit
// the surface they leave through rounding; 0.1 mm is invisible at the 2 cm object scale.
const SHADOW_BIAS = 1e-4;
const NONE = -1;
const CAPSULE = 0;
const SPHERE = 1;
const BOX = 2;

/** Creates a renderer of width × height pixels; throws RangeError on a size that is not a positive integer. */
export function createSceneRenderer(
  width: number,
  height: number,
  options: SceneRendererOptions = {},
): SceneRenderer {
  checkSide("width", width);
  checkSide("height", height);
  const ambient = options.ambient ?? DEFAULT_AMBIENT;
  if (!(ambient >= 0 && ambient <= 1))
    throw new RangeError(`scene renderer: ambient must be in [0, 1], got ${ambient}`);
  const shadows = options.shadows ?? true;
  const diffuse = 1 - ambient;
  const length = width * height * 3;
  const layout = createSceneLayout(width, height);
  const { view, light, capsules, spheres, boxes } = layout;
  const normal = new Float64Array(3);
  // Unit primary-ray directions per pixel, recomputed only when the camera moves (the robot
  // envs keep theirs fixed), and the view they were computed for (NaN: none yet).
  const dirs = new Float64Array(width * height * 3);
  const dirsView = new Float64Array(14).fill(Number.NaN);
  // Per image row, the primitives its rays can hit, and the columns they can hit them in.
  let activeCapsules = new Int32Array(0);
  let activeSpheres = new Int32Array(0);
  let activeBoxes = new Int32Array(0);
  let capSpans = new Int32Array(0);
  let sphSpans = new Int32Array(0);
  let boxSpans = new Int32Array(0);

  /** Fills active with the primitives of set that row j can hit (their columns into spans); returns how many. */
  function rowActive(set: PrimitiveSet, j: number, active: Int32Array, spans: Int32Array): number {
    let n = 0;
    for (let k = 0; k < set.count; k++)
      if (layout.rowSpan(set, k, j, spans, 2 * k)) active[n++] = k;
    return n;
  }

  /**
   * Whether a primitive other than (skipKind, skip) lies on the ray from o towards the light.
   * The hit primitive is convex and faces the light there, so it cannot shadow the point
   * itself. Sets and bounds whose extent across the light misses o, or that lie wholly behind
   * o, are skipped before the exact test.
   */
  function occluded(ox: number, oy: number, oz: number, skipKind: number, skip: number): boolean {
    const lx = light[0]!;
    const ly = light[1]!;
    const lz = light[2]!;
    const u = ox * light[3]! + oy * light[4]! + oz * light[5]!;
    const v = ox * light[6]! + oy * light[7]! + oz * light[8]!;
    const w = ox * lx + oy * ly + oz * lz;
    if (reaches(capsules, u, v, w)) {
      const { count, shadow, geom } = capsules;
      for (let k = 0; k < count; k++) {
        if (!(skipKind === CAPSULE && k === skip) && overlaps(shadow, k, u, v, w)) {
          const t = rayCapsule(ox, oy, oz, lx, ly, lz, geom, k * CAPSULE_STRIDE, 0);
          if (t !== MISS) return true;
        }
      }
    }
    if (reaches(spheres, u, v, w)) {
      const { count, shadow, geom } = spheres;
      for (let k = 0; k < count; k++) {
        if (!(skipKind === SPHERE && k === skip) && overlaps(shadow, k, u, v, w)) {
          const t = raySphere(ox, oy, oz, lx, ly, lz, geom, k * SPHERE_STRIDE, 0);
          if (t !== MISS) return true;
        }
      }
    }
    if (reaches(boxes, u, v, w)) {
      const { count, shadow, geom } = boxes;
      for (let k = 0; k < count; k++) {
        if (!(skipKind === BOX && k === skip) && overlaps(shadow, k, u, v, w)) {
          const t = rayBox(ox, oy, oz, lx, ly, lz, geom, k * BOX_STRIDE, 0);
          if (t !== MISS) return true;
        }
      }
    }
    return false;
  }

  function updateDirections(): void {
    if (view.every((x, k) => x === dirsView[k])) return;
    dirsView.set(view);
    const [, , , fx, fy, fz, rx, ry, rz, ux, uy, uz, halfW, halfH] = view;
    for (let j = 0, o = 0; j < height; j++) {
      const sy = (1 - (2 * (j + 0.5)) / height) * halfH!;
      for (let i = 0; i < width; i++, o += 3) {
        const sx = ((2 * (i + 0.5)) / width - 1) * halfW!;
        const dx = fx! + sx * rx! + sy * ux!;
        const dy = fy! + sx * ry! + sy * uy!;
        const dz = fz! + sx * rz! + sy * uz!;
        const n = Math.sqrt(dx * dx + dy * dy + dz * dz);
        dirs[o] = dx / n;
        dirs[o + 1] = dy / n;
        dirs[o + 2] = dz / n;
      }
    }
  }

  function render(scene: RenderScene, out?: Uint8Array): Uint8Array {
    const img = out ?? new Uint8Array(length);
    if (img.length !== length)
      throw new RangeError(
        `scene renderer: out must hold ${height}x${width}x3 = ${length} bytes, got ${img.length}`,
      );
    layout.load(scene);
    updateDirections();
    if (activeCapsules.length < capsules.count) {
      activeCapsules = new Int32Array(capsules.count);
      capSpans = new Int32Array(2 * capsules.count);
    }
    if (activeSpheres.length < spheres.count) {
      activeSpheres = new Int32Array(spheres.count);
      sphSpans = new Int32Array(2 * spheres.count);
    }
    if (activeBoxes.length < boxes.count) {
      activeBoxes = new Int32Array(boxes.count);
      boxSpans = new Int32Array(2 * boxes.count);
    }
    const capGeom = capsules.geom;
    const sphGeom = spheres.geom;
    const boxGeom = boxes.geom;
    const ex = view[0]!;
    const ey = view[1]!;
    const ez = view[2]!;
    const lx = light[0]!;
    const ly = light[1]!;
    const lz = light[2]!;
    const bgR = Math.round(clampChannel(scene.background[0]));
    const bgG = Math.round(clampChannel(scene.background[1]));
    const bgB = Math.round(clampChannel(scene.background[2]));

    let p = 0;
    for (let j = 0; j < height; j++) {
      const nc = rowActive(capsules, j, activeCapsules, capSpans);
      const ns = rowActive(spheres, j, activeSpheres, sphSpans);
      const nb = rowActive(boxes, j, activeBoxes, boxSpans);
      for (let i = 0; i < width; i++, p += 3) {
        const dx = dirs[p]!;
        const dy = dirs[p + 1]!;
        const dz = dirs[p + 2]!;

        let best = MISS;
        let kind = NONE;
        let hit = 0;
        for (let a = 0; a < nc; a++) {
          const k = activeCapsules[a]!;
          if (i < capSpans[2 * k]! || i > capSpans[2 * k + 1]!) continue;
          const t = rayCapsule(ex, ey, ez, dx, dy, dz, capGeom, k * CAPSULE_STRIDE, 0);
          if (t < best) {
            best = t;
            kind = CAPSULE;
            hit = k;
          }
        }
        for (let a = 0; a < ns; a++) {
          const k = activeSpheres[a]!;
          if (i < sphSpans[2 * k]! || i > sphSpans[2 * k + 1]!) continue;
          const t = raySphere(ex, ey, ez, dx, dy, dz, sphGeom, k * SPHERE_STRIDE, 0);
          if (t < best) {
            best = t;
            kind = SPHERE;
            hit = k;
          }
        }
        for (let a = 0; a < nb; a++) {
          const k = activeBoxes[a]!;
          if (i < boxSpans[2 * k]! || i > boxSpans[2 * k + 1]!) continue;
          const t = rayBox(ex, ey, ez, dx, dy, dz, boxGeom, k * BOX_STRIDE, 0);
          if (t < best) {
            best = t;
            kind = BOX;
            hit = k;
          }
        }
        if (kind === NONE) {
          img[p] = bgR;
          img[p + 1] = bgG;
          img[p + 2] = bgB;
          continue;
        }

        const hx = ex + best * dx;
        const hy = ey + best * dy;
        const hz = ez + best * dz;
        if (kind === CAPSULE) capsuleNormal(capGeom, hit * CAPSULE_STRIDE, hx, hy, hz, normal);
        else if (kind === SPHERE) sphereNormal(sphGeom, hit * SPHERE_STRIDE, hx, hy, hz, normal);
        else boxNormal(boxGeom, hit * BOX_STRIDE, hx, hy, hz, normal);
        const nx = normal[0]!;
        const ny = normal[1]!;
        const nz = normal[2]!;
        let lambert = nx * lx + ny * ly + nz * lz;
        // Facing away from the light (or a NaN normal): ambient only, and no shadow ray needed.
        if (!(lambert > 0)) lambert = 0;
        else if (
          shadows &&
          occluded(hx + nx * SHADOW_BIAS, hy + ny * SHADOW_BIAS, hz + nz * SHADOW_BIAS, kind, hit)
        )
          lambert = 0;
        const shade = ambient + diffuse * lambert;
        const colors =
          kind === CAPSULE ? capsules.colors : kind === SPHERE ? spheres.colors : boxes.colors;
        // Colours are clamped to 0..255 and shade is at most 1, so the bytes never wrap.
        img[p] = Math.round(colors[hit * 3]! * shade);
        img[p + 1] = Math.round(colors[hit * 3 + 1]! * shade);
        img[p + 2] = Math.round(colors[hit * 3 + 2]! * shade);
      }
    }
    return img;
  }

  return { width, height, render };
}

/** Whether a shadow ray at light coordinates (u, v, w) can reach anything of the set. */
function reaches(set: PrimitiveSet, u: number, v: number, w: number): boolean {
  const b = set.shadowBox;
  return u >= b[0]! && u <= b[1]! && v >= b[2]! && v <= b[3]! && w <= b[4]!;
}

/** Whether a shadow ray at light coordinates (u, v, w) can hit the k-th bound of shadow. */
function overlaps(shadow: Float64Array, k: number, u: number, v: number, w: number): boolean {
  const q = k * SHADOW_STRIDE;
  const du = u - shadow[q]!;
  const dv = v - shadow[q + 1]!;
  const r = shadow[q + 3]!;
  return du * du + dv * dv <= r * r && shadow[q + 2]! + r >= w;
}

function checkSide(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0 || value > MAX_IMAGE_SIDE)
    throw new RangeError(
      `scene renderer: ${name} must be an integer in [1, ${MAX_IMAGE_SIDE}], got ${value}`,
    );
}
