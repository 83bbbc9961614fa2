// Prints a trajectory driven by the TypeScript client, as JSON with the exact bytes in hex,
// so test_interop.py can compare it with the Python client's bit for bit.
// Usage: node ts_trajectory.mjs '<json: {target, env_id, seed, actions, num_envs?, action}>'
import { connect } from "../../dist/client/connect.js";

const spec = JSON.parse(process.argv[2]);
const hex = (view) =>
  Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("hex");
const toAction = (a) => {
  if (spec.action === "float32") return Float32Array.from(a);
  if (spec.action === "int64") return BigInt64Array.from(a.map(BigInt));
  return a; // a plain number: Discrete
};

const client = connect(spec.target);
const out = { reset: null, steps: [] };
try {
  if (spec.num_envs) {
    const env = await client.makeVec(spec.env_id, spec.num_envs);
    const r = await env.reset({ seed: spec.seed });
    out.reset = hex(r.observation);
    for (const a of spec.actions) {
      const s = await env.step(toAction(a));
      out.steps.push({
        obs: hex(s.observation),
        reward: hex(s.reward),
        terminated: hex(s.terminated),
        truncated: hex(s.truncated),
      });
    }
    await env.close();
  } else {
    const env = await client.make(spec.env_id);
    const r = await env.reset({ seed: spec.seed });
    out.reset = hex(r.observation);
    for (const a of spec.actions) {
      const s = await env.step(toAction(a));
      out.steps.push({
        obs: hex(s.observation),
        reward: hex(Float64Array.of(s.reward)),
        terminated: s.terminated,
        truncated: s.truncated,
      });
      if (s.terminated || s.truncated) await env.reset();
    }
    await env.close();
  }
} finally {
  client.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
