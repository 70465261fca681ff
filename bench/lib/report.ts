import { mkdirSync, writeFileSync } from "node:fs";
import { round } from "./stats";

export type Row = {
  scenario: string;
  case: string;
  driver?: string;
  /** Offered rate (open loop) or "closed ×32". */
  load?: string;
  seconds?: number;
  n?: number;
  lost?: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
  /** Completed requests per second. */
  achieved?: number;
  /** The Worker's own time for the request (its `ms` log line), median and p99. */
  worker_p50?: number;
  worker_p99?: number;
  /** workerd CPU milliseconds per completed request (closed-loop rows). */
  server_cpu_ms?: number;
  /** The load generator's (this Node process's) CPU milliseconds per completed request. */
  client_cpu_ms?: number;
  note?: string;
};
export type Verdict = { target: string; measured: string; ok: boolean | null; note?: string };

/** What the scenarios record; written to bench/results/<timestamp>.json and rendered as its .md. */
export type Results = { rows: Row[]; verdicts: Verdict[]; extra: Record<string, unknown>; failures: string[] };

export const newResults = (): Results => ({ rows: [], verdicts: [], extra: {}, failures: [] });

/** The machine and the run, as the report's header states them. */
export type Machine = {
  cores: number;
  cpu: string | undefined;
  memory_gib: number;
  node: string;
  wrangler: string;
  miniflare: string;
  workerd: string;
  loadavg_start: number[];
  loadavg_end: number[];
  duration_s: number;
  date: string;
  quick: boolean;
  driver: string;
  /** The checkout measured: its commit, and whether the Worker's sources differed from it when the run started. */
  tree: string;
};

/** Where the servers kept their state, for the header. */
export type Run = { scenarios: readonly string[]; stateDir: string; stateFs: string };

const cell = (v: unknown) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "" : String(v).replaceAll("|", "\\|"));

export function markdown(machine: Machine, run: Run, { rows, verdicts, failures }: Results): string {
  const table = [
    "| scenario | case | driver | load | n | lost | p50 ms | p90 ms | p99 ms | max ms | achieved/s | worker p50/p99 ms | CPU ms/req server/client | note |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${cell(r.scenario)} | ${cell(r.case)} | ${cell(r.driver)} | ${cell(r.load)} | ${cell(r.n)} | ${cell(r.lost)} | ${cell(r.p50)} | ${cell(r.p90)} | ${cell(r.p99)} | ${cell(r.max)} | ${cell(r.achieved)} | ${r.worker_p50 === undefined ? "" : `${r.worker_p50}/${r.worker_p99}`} | ${r.server_cpu_ms === undefined ? "" : `${cell(r.server_cpu_ms)}/${cell(r.client_cpu_ms)}`} | ${cell(r.note)} |`,
    ),
  ].join("\n");
  const verdictTable = [
    "| target | measured | verdict |",
    "|---|---|---|",
    ...verdicts.map((v) => `| ${cell(v.target)} | ${cell(v.measured)} | ${v.ok === null ? "n/a" : v.ok ? "met" : "MISSED"} |`),
  ].join("\n");
  return `# Benchmark ${machine.date}${machine.quick ? " (quick)" : ""}

${machine.cores} cores (${machine.cpu}), ${machine.memory_gib} GiB, Node ${machine.node}, wrangler ${machine.wrangler}, miniflare ${machine.miniflare}, workerd ${machine.workerd}. Tree: ${machine.tree}.
Load average ${machine.loadavg_start.join(" / ")} at the start, ${machine.loadavg_end.join(" / ")} at the end (other work on the machine shows here; above ~2 on these 2 cores, absolute numbers are noisy and only same-run ratios mean much). The run took ${machine.duration_s} s (${run.scenarios.join(", ")}).
Server: Miniflare (wrangler's), fresh per scenario, state in ${run.stateDir} (${run.stateFs}). Driver: ${machine.driver} unless a row says otherwise.
Latency: open loop from each request's scheduled send time; "send lag" is how late the load generator itself sent (it shares the cores with workerd): a p99 well above the send lag is the server's, a p99 close to it is the generator's. "closed ×32" rows are max throughput ("interleaved": variants measured in alternating short windows, share = median over the rounds); "serial" rows are one call at a time.
CPU ms/req: workerd's CPU time per completed request (idle use subtracted) / the load generator's; steadier than requests per second when the machine is busy.

## Targets

${verdictTable}

## Results

${table}
${failures.length ? `\n## Failures\n\n${failures.map((f) => `- ${f.split("\n")[0]}`).join("\n")}\n` : ""}`;
}

/** Writes bench/results/<timestamp>.json and .md (relative to the repository root) and returns the stamp. */
export function writeReport(machine: Machine, text: string, { verdicts, rows, extra, failures }: Results): string {
  mkdirSync("bench/results", { recursive: true });
  const stamp = `${machine.date.slice(0, 19).replaceAll(":", "-")}${machine.quick ? "-quick" : ""}`;
  writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify({ machine, verdicts, rows, extra, failures }, null, 2)}\n`);
  writeFileSync(`bench/results/${stamp}.md`, text);
  return stamp;
}

/** A measured variant as the budget compares it: its round-by-round share of a baseline and its CPU. */
export type Compared = { name: string; achieved: number; cpuMs: number; lost: number };

/** A share is only a measurement when both sides answered every request. */
const failedNote = (...sides: Compared[]) =>
  sides
    .filter((c) => c.lost > 0)
    .map((c) => `; ${c.lost} requests of ${c.name} FAILED`)
    .join("");

/**
 * A "route ≥ target × baseline" verdict of DESIGN.md's performance budget, judged both ways: by
 * throughput (median share over interleaved rounds) and by workerd CPU per request (baseline CPU /
 * route CPU: what the CPU alone predicts for a CPU-bound server's throughput). Met only when both are
 * and no request of either side failed.
 */
export function shareVerdict(
  target: string,
  minimum: number,
  route: Compared,
  base: Compared,
  share: { share: number; min: number; max: number },
  rounds: number,
  driver: string,
): Verdict {
  const byCpu = base.cpuMs / route.cpuMs;
  const p = (n: number) => `${round(n * 100, 0)}%`;
  return {
    target,
    measured:
      `throughput ${p(share.share)} (median of ${rounds} interleaved rounds, range ${p(share.min)}–${p(share.max)}; ` +
      `${route.achieved} vs ${base.achieved} req/s, ${driver}); CPU per request ${p(byCpu)} ` +
      `(${round(route.cpuMs, 3)} vs ${round(base.cpuMs, 3)} ms)${failedNote(route, base)}`,
    ok: route.lost === 0 && base.lost === 0 && share.share >= minimum && byCpu >= minimum,
  };
}

/** What one row adds to another, in workerd CPU per request (µs and %) and in throughput. */
export function costVerdict(
  target: string,
  row: Compared,
  base: Compared,
  share: { share: number; min: number; max: number },
  driver: string,
): Verdict {
  const us = (row.cpuMs - base.cpuMs) * 1000;
  const signed = (n: number) => `${n >= 0 ? "+" : ""}${n}`;
  return {
    target,
    measured:
      `CPU per request ${signed(round(us, 0))} µs (${signed(round((us / 1000 / base.cpuMs) * 100, 0))}%: ${round(row.cpuMs, 3)} vs ${round(base.cpuMs, 3)} ms); ` +
      `throughput ${round(share.share * 100, 0)}% of ${base.name} (range ${round(share.min * 100, 0)}–${round(share.max * 100, 0)}%; ` +
      `${row.achieved} vs ${base.achieved} req/s, ${driver})${failedNote(row, base)}`,
    ok: null,
  };
}
