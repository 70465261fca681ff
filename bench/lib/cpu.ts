import { existsSync, readdirSync, readFileSync } from "node:fs";

/**
 * workerd processes this process started (Miniflare spawns workerd as a direct child). Their CPU time
 * per request (utime + stime from /proc, all threads) is the profile's steadiest number: unlike
 * requests per second it barely moves when other work on the machine competes for the cores.
 */
export function workerdChildren(): Set<number> {
  const found = new Set<number>();
  if (!existsSync("/proc")) return found;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.includes("workerd")) found.add(Number(entry));
    } catch {
      // the process went away
    }
  }
  return found;
}

/** CPU milliseconds a process has used (Linux clock ticks are 10 ms), or NaN where /proc is missing. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
