import { createServer as createHttp2Server } from "node:http2";
import { createServer as createTcpServer } from "node:net";

// A child process serving the two floors: a raw TCP echo and an HTTP/2 stream echo.
const tcp = createTcpServer((socket) => {
  socket.setNoDelay(true);
  socket.pipe(socket);
});
const h2 = createHttp2Server();
h2.on("stream", (stream) => {
  stream.respond({ ":status": 200 });
  stream.on("data", (chunk: Buffer) => stream.write(chunk));
  stream.on("end", () => stream.end());
});
tcp.listen(0, "127.0.0.1", () => {
  h2.listen(0, "127.0.0.1", () => {
    const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;
    process.stdout.write(`${JSON.stringify({ tcp: port(tcp), http2: port(h2) })}\n`);
  });
});
process.on("SIGTERM", () => process.exit(0));
