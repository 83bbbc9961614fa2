import { pino } from "pino";
import { createDefaultRegistry } from "../envs/default-registry.js";
import { startServer } from "../server/create-server.js";
import { connect } from "./connect.js";

// `npm run demo`: starts a gymrpc server on a free loopback port and drives
// CartPole-v1 episodes from the TypeScript client over gRPC, printing the returns.
const episodes = Number(process.env.GYMRPC_DEMO_EPISODES ?? 10);
const server = await startServer("127.0.0.1:0", {
  registry: createDefaultRegistry(),
  logger: pino({ level: "warn" }),
});
const client = connect(server.address);
try {
  console.log(`gymrpc server listening on ${server.address}`);
  const env = await client.make("CartPole-v1");
  console.log(`CartPole-v1  observation ${env.observationSpace}  action ${env.actionSpace}`);
  const returns: number[] = [];
  const start = performance.now();
  let steps = 0;
  for (let ep = 0; ep < episodes; ep++) {
    let obs = (await env.reset({ seed: ep })).observation as Float32Array;
    let total = 0;
    for (;;) {
      // Push toward the side the pole is falling to (angle plus angular velocity).
      const action = 3 * obs[2]! + obs[3]! > 0 ? 1 : 0;
      const r = await env.step(action);
      obs = r.observation as Float32Array;
      total += r.reward;
      steps++;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
    console.log(
      `episode ${String(ep + 1).padStart(2)}  seed ${String(ep).padStart(2)}  return ${total}`,
    );
  }
  const secs = (performance.now() - start) / 1000;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  console.log(
    `mean return ${mean.toFixed(1)} over ${episodes} episodes (${steps} steps in ${secs.toFixed(2)} s)`,
  );
  await env.close();
} finally {
  client.close();
  await server.shutdown(1000);
}
