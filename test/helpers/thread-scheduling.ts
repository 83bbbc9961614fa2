import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** Linux's SCHED_IDLE policy number. */
export const SCHED_IDLE = 5;

/** How one of this process's threads is scheduled. */
export interface ThreadScheduling {
  readonly nice: number;
  readonly policy: number;
}

/** Nice value and scheduling policy of each of this process's threads (Linux: /proc/self/task/<tid>/stat fields 19 and 41). */
export function threadScheduling(): ThreadScheduling[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return { nice: Number(fields[16]), policy: Number(fields[38]) };
  });
}

/** Whether threads' scheduling can be read here (/proc). */
export const HAS_PROC_TASKS = existsSync("/proc/self/task");

/** Whether deflate pools can put threads under SCHED_IDLE here: /proc, and util-linux's chrt. */
export const CAN_SCHED_IDLE = HAS_PROC_TASKS && spawnSync("chrt", ["--help"]).status === 0;
