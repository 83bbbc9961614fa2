import { connect as connectHttp2 } from "node:http2";
import { connect as connectTcp } from "node:net";
import { type LatencyStats, timeRoundTrips } from "./stats.js";

const PAYLOAD = Buffer.alloc(64, 7);

/** Round trip of a 64-byte message over raw TCP to an echo server in another process. */
export async function tcpFloor(port: number, iterations: number): Promise<LatencyStats> {
  const socket = connectTcp({ port, host: "127.0.0.1", noDelay: true });
  await new Promise<void>((r) => socket.once("connect", () => r()));
  let waiting: (() => void) | undefined;
  let received = 0;
  socket.on("data", (chunk) => {
    received += chunk.length;
    if (received >= PAYLOAD.length) {
      received -= PAYLOAD.length;
      waiting?.();
    }
  });
  const once = () =>
    new Promise<void>((r) => {
      waiting = r;
      socket.write(PAYLOAD);
    });
  const { stats } = await timeRoundTrips(once, iterations, 2000);
  socket.destroy();
  return stats;
}

/** Round trip of a 64-byte DATA frame on one node:http2 stream to an echo server in another process. */
export async function http2Floor(port: number, iterations: number): Promise<LatencyStats> {
  const session = connectHttp2(`http://127.0.0.1:${port}`);
  const stream = session.request({ ":method": "POST", ":path": "/echo" });
  let waiting: (() => void) | undefined;
  let received = 0;
  stream.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received >= PAYLOAD.length) {
      received -= PAYLOAD.length;
      waiting?.();
    }
  });
  const once = () =>
    new Promise<void>((r) => {
      waiting = r;
      stream.write(PAYLOAD);
    });
  const { stats } = await timeRoundTrips(once, iterations, 2000);
  stream.close();
  session.close();
  return stats;
}
