// Ray–primitive intersection and surface normals for the scene renderer. Primitives live
// in flat Float64Arrays (read at an offset) and rays are scalars, so the per-pixel loop
// allocates nothing. Rays are o + t·d with d a unit vector; each test returns the distance t
// at which the ray ENTERS the primitive (t > tMin), or MISS. Rays starting inside a primitive
// are not meaningful (the renderer never shows such surfaces), so exits are not reported.

/** Returned by the intersection tests when the ray misses (compares greater than any hit). */
export const MISS = Number.POSITIVE_INFINITY;
/** Floats per capsule: a (3), b − a (3), |b − a|², radius. */
export const CAPSULE_STRIDE = 8;
/** Floats per sphere: centre (3), radius. */
export const SPHERE_STRIDE = 4;
/** Floats per axis-aligned box: min (3), max (3). */
export const BOX_STRIDE = 6;

function sphereAt(
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  cx: number,
  cy: number,
  cz: number,
  r: number,
  tMin: number,
): number {
  const px = ox - cx;
  const py = oy - cy;
  const pz = oz - cz;
  const b = px * dx + py * dy + pz * dz;
  const h = b * b - (px * px + py * py + pz * pz - r * r);
  if (h < 0) return MISS;
  const t = -b - Math.sqrt(h);
  return t > tMin ? t : MISS;
}

/** Entry distance of the ray into the sphere at s[o..], or MISS. */
export function raySphere(
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  s: Float64Array,
  o: number,
  tMin: number,
): number {
  return sphereAt(ox, oy, oz, dx, dy, dz, s[o]!, s[o + 1]!, s[o + 2]!, s[o + 3]!, tMin);
}

/** Entry distance of the ray into the capsule at c[o..] (body as in Quilez's formulation, then caps), or MISS. */
export function rayCapsule(
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  c: Float64Array,
  o: number,
  tMin: number,
): number {
  const ax = c[o]!;
  const ay = c[o + 1]!;
  const az = c[o + 2]!;
  const bax = c[o + 3]!;
  const bay = c[o + 4]!;
  const baz = c[o + 5]!;
  const baba = c[o + 6]!;
  const r = c[o + 7]!;
  const oax = ox - ax;
  const oay = oy - ay;
  const oaz = oz - az;
  const bard = bax * dx + bay * dy + baz * dz;
  const baoa = bax * oax + bay * oay + baz * oaz;
  // k = baba·sin²(ray, axis); a tiny k means the ray runs along the axis, where the cylinder
  // quadratic degenerates and only the caps can be entered.
  const k = baba - bard * bard;
  if (k > 1e-12 * baba) {
    const rdoa = dx * oax + dy * oay + dz * oaz;
    const oaoa = oax * oax + oay * oay + oaz * oaz;
    const b = baba * rdoa - baoa * bard;
    const h = b * b - k * (baba * oaoa - baoa * baoa - r * r * baba);
    // Missing the infinite cylinder means missing the capsule inside it.
    if (h < 0) return MISS;
    const t = (-b - Math.sqrt(h)) / k;
    const y = baoa + t * bard;
    if (y > 0 && y < baba && t > tMin) return t;
    // Otherwise any entry is through a cap: an origin outside the capsule but inside the
    // infinite cylinder has its wall entry behind it, and the nearer cap sphere decides.
  }
  const ta = sphereAt(ox, oy, oz, dx, dy, dz, ax, ay, az, r, tMin);
  const tb = sphereAt(ox, oy, oz, dx, dy, dz, ax + bax, ay + bay, az + baz, r, tMin);
  return Math.min(ta, tb);
}

/** Entry distance of the ray into the axis-aligned box at b[o..] (slab test), or MISS. */
export function rayBox(
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  b: Float64Array,
  o: number,
  tMin: number,
): number {
  let near = Number.NEGATIVE_INFINITY;
  let far = Number.POSITIVE_INFINITY;
  // Unrolled per axis (this runs for every pixel the table covers). Axis-parallel rays are
  // handled explicitly: (min − o)/0 can be 0/0 = NaN, which would poison the comparisons.
  if (dx !== 0) {
    const t1 = (b[o]! - ox) / dx;
    const t2 = (b[o + 3]! - ox) / dx;
    near = Math.min(t1, t2);
    far = Math.max(t1, t2);
  } else if (ox < b[o]! || ox > b[o + 3]!) return MISS;
  if (dy !== 0) {
    const t1 = (b[o + 1]! - oy) / dy;
    const t2 = (b[o + 4]! - oy) / dy;
    near = Math.max(near, Math.min(t1, t2));
    far = Math.min(far, Math.max(t1, t2));
  } else if (oy < b[o + 1]! || oy > b[o + 4]!) return MISS;
  if (dz !== 0) {
    const t1 = (b[o + 2]! - oz) / dz;
    const t2 = (b[o + 5]! - oz) / dz;
    near = Math.max(near, Math.min(t1, t2));
    far = Math.min(far, Math.max(t1, t2));
  } else if (oz < b[o + 2]! || oz > b[o + 5]!) return MISS;
  if (near > far) return MISS;
  return near > tMin ? near : MISS;
}

/** Writes the outward unit normal of the capsule at c[o..] at surface point h into n[0..2]. */
export function capsuleNormal(
  c: Float64Array,
  o: number,
  hx: number,
  hy: number,
  hz: number,
  n: Float64Array,
): void {
  const pax = hx - c[o]!;
  const pay = hy - c[o + 1]!;
  const paz = hz - c[o + 2]!;
  const bax = c[o + 3]!;
  const bay = c[o + 4]!;
  const baz = c[o + 5]!;
  const baba = c[o + 6]!;
  // Away from the nearest point of the axis segment (a zero-length capsule is a sphere).
  let s = baba > 0 ? (pax * bax + pay * bay + paz * baz) / baba : 0;
  s = Math.min(1, Math.max(0, s));
  unit(pax - bax * s, pay - bay * s, paz - baz * s, n);
}

/** Writes the outward unit normal of the sphere at s[o..] at surface point h into n[0..2]. */
export function sphereNormal(
  s: Float64Array,
  o: number,
  hx: number,
  hy: number,
  hz: number,
  n: Float64Array,
): void {
  unit(hx - s[o]!, hy - s[o + 1]!, hz - s[o + 2]!, n);
}

/** Writes the outward unit normal of the box at b[o..] at surface point h (that of the nearest face) into n[0..2]. */
export function boxNormal(
  b: Float64Array,
  o: number,
  hx: number,
  hy: number,
  hz: number,
  n: Float64Array,
): void {
  // face = 2·axis + (0 for the min face, 1 for the max face), the one nearest the point;
  // ties go to the earlier face. Unrolled: this runs for every table pixel.
  let face = 0;
  let best = hx - b[o]!;
  let gap = b[o + 3]! - hx;
  if (gap < best) {
    best = gap;
    face = 1;
  }
  gap = hy - b[o + 1]!;
  if (gap < best) {
    best = gap;
    face = 2;
  }
  gap = b[o + 4]! - hy;
  if (gap < best) {
    best = gap;
    face = 3;
  }
  gap = hz - b[o + 2]!;
  if (gap < best) {
    best = gap;
    face = 4;
  }
  if (b[o + 5]! - hz < best) face = 5;
  n[0] = 0;
  n[1] = 0;
  n[2] = 0;
  n[face >> 1] = face & 1 ? 1 : -1;
}

function unit(x: number, y: number, z: number, n: Float64Array): void {
  const len = Math.sqrt(x * x + y * y + z * z);
  n[0] = x / len;
  n[1] = y / len;
  n[2] = z / len;
}
