import { pathToFileURL } from "node:url";
import { createSceneRenderer, type RenderScene } from "../envs/robot/scene-renderer.js";

/** A typical robot-arm frame: table and cube, an 8-link arm with 3 joint spheres and the target. */
export function benchRobotScene(
  lightDir: readonly [number, number, number] = [0.3, -0.4, 0.866],
): RenderScene {
  const chain: [number, number, number][] = [
    [0, 0, 0],
    [0, 0, 0.33],
    [0.05, 0.02, 0.5],
    [0.15, 0.05, 0.6],
    [0.3, 0.08, 0.55],
    [0.42, 0.1, 0.45],
    [0.5, 0.1, 0.3],
    [0.55, 0.1, 0.18],
    [0.56, 0.1, 0.08],
  ];
  const capsules = chain.slice(1).map((b, k) => ({
    a: chain[k]!,
    b,
    radius: k < 3 ? 0.06 : 0.04,
    color: [230, 230, 235] as const,
  }));
  return {
    camera: { eye: [1.5, 0.6, 1.0], target: [0.35, 0, 0.2], up: [0, 0, 1], fovYDeg: 45 },
    lightDir: lightDir,
    capsules,
    spheres: [
      { center: [0.05, 0.02, 0.5], radius: 0.07, color: [40, 40, 40] },
      { center: [0.3, 0.08, 0.55], radius: 0.05, color: [40, 40, 40] },
      { center: [0.5, 0.1, 0.3], radius: 0.045, color: [40, 40, 40] },
      { center: [0.6, -0.25, 0.12], radius: 0.02, color: [230, 40, 40] },
    ],
    boxes: [
      { min: [-0.4, -0.8, -0.05], max: [1.0, 0.8, 0], color: [150, 110, 70] },
      { min: [0.48, -0.12, 0], max: [0.52, -0.08, 0.04], color: [40, 90, 220] },
    ],
    background: [20, 24, 32],
  };
}

/**
 * Milliseconds per frame of the scene renderer on benchRobotScene at width × height (shadows on):
 * the best of five rounds' means, so a busy machine inflates the figure less.
 */
export function sceneRendererFrameMs(width = 64, height = width, framesPerRound = 500): number {
  const renderer = createSceneRenderer(width, height);
  const out = new Uint8Array(width * height * 3);
  const scene = benchRobotScene();
  for (let k = 0; k < 200; k++) renderer.render(scene, out); // JIT warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let k = 0; k < framesPerRound; k++) renderer.render(scene, out);
    best = Math.min(best, (performance.now() - started) / framesPerRound);
  }
  return best;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const side of [64, 128])
    console.log(
      `scene renderer ${side}x${side}: ${sceneRendererFrameMs(side).toFixed(4)} ms/frame`,
    );
}
