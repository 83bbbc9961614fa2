import { writeFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { TRAFFIC_SCRIPT_FORMATS, trafficScript } from "../envs/sdn/traffic-script.js";

const nonNegative = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be a non-negative number`);
  return n;
};

/** The `gymrpc sdn` command group: helpers for SdnRouting-v0 on a real Mininet network. */
export function sdnCommand(): Command {
  const traffic = new Command("traffic-script")
    .description(
      "write the iperf schedule (servers, then clients after --offset) for a running Mininet network",
    )
    .requiredOption("--pairs <pairs>", 'flows as "h1:h2,h2:h3" (client:server)')
    .option("--duration <seconds>", "seconds every client sends", nonNegative("--duration"), 10)
    .option("--bw <rate>", "UDP rate of every client, iperf-style", "10M")
    .option(
      "--offset <seconds>",
      "seconds between starting the servers and the clients",
      nonNegative("--offset"),
      0.5,
    )
    .option("--port <port>", "iperf port", nonNegative("--port"), 5001)
    .addOption(
      new Option("--format <format>", "bash (Mininet's util/m) or mininet (CLI `source`)")
        .choices([...TRAFFIC_SCRIPT_FORMATS])
        .default("bash"),
    )
    .option("--log-dir <dir>", "where the iperf logs go", "/tmp/gymrpc-traffic")
    .option("--out <file>", "output file (- for stdout)", "traffic_commands.sh")
    .action((o) => {
      let script: string;
      try {
        script = trafficScript({
          pairs: o.pairs,
          durationS: o.duration,
          bw: o.bw,
          offsetS: o.offset,
          port: o.port,
          format: o.format,
          logDir: o.logDir,
        });
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
      if (o.out === "-") {
        process.stdout.write(script);
        return;
      }
      writeFileSync(o.out, script, { mode: 0o755 });
      process.stderr.write(`wrote ${o.out}\n`);
    });
  return new Command("sdn")
    .description("SdnRouting-v0 helpers for a real Mininet + Ryu network")
    .addCommand(traffic);
}
