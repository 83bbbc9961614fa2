// What the robot envs hand the scene renderer each frame. Plain readonly tuples so the env
// can build the scene from its kinematics without any renderer-specific classes.

/** A point or direction in the world frame (z up, metres). */
export type Vec3 = readonly [number, number, number];
/** A colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** Pinhole camera looking from eye at target; up fixes the roll; fovYDeg is the vertical field of view. */
export interface Camera {
  readonly eye: Vec3;
  readonly target: Vec3;
  readonly up: Vec3;
  readonly fovYDeg: number;
}

/** Everything one frame shows. */
export interface RenderScene {
  readonly camera: Camera;
  /** Unit vector from the surface towards the light (world frame, z up). */
  readonly lightDir: Vec3;
  readonly capsules: readonly {
    readonly a: Vec3;
    readonly b: Vec3;
    readonly radius: number;
    readonly color: Rgb;
  }[];
  readonly spheres: readonly {
    readonly center: Vec3;
    readonly radius: number;
    readonly color: Rgb;
  }[];
  /** Axis-aligned boxes. */
  readonly boxes: readonly { readonly min: Vec3; readonly max: Vec3; readonly color: Rgb }[];
  readonly background: Rgb;
}
