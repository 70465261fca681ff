import { parseArgs } from "node:util";

export const SCENARIOS = ["ceiling", "credit", "saga", "scale", "optimiser", "ui", "integrations", "transfer", "saga-compare"] as const;
/** Run only when named: it needs --compare. */
const ON_REQUEST: readonly Scenario[] = ["saga-compare"];
export type Scenario = (typeof SCENARIOS)[number];
export type Driver = "http" | "dispatch";
const DRIVERS: readonly Driver[] = ["http", "dispatch"];

export const USAGE = `usage: npm run bench -- [scenario…] [--quick] [--driver=http|dispatch] [--wallets=N] [--transactions=N] [--compare=<dir>]
  scenario         ${SCENARIOS.join(", ")} (default: all but saga-compare, in this order; credit also runs ceiling;
                   saga-compare: the payment saga, polled, of this checkout beside --compare's, interleaved)
  --quick          a smoke run (< 2 minutes): short windows, a small scale store
  --driver         how requests reach the server: real HTTP (default) or Miniflare#dispatchFetch
  --wallets        wallets in the scale scenario's seeded store (default 10000, --quick 1000)
  --transactions   transactions in that store (default 100000, --quick 10000)
  --compare        another checkout of this repository; its full credit route joins the interleaved credit rows,
                   and saga-compare runs its payment saga beside this one's (at --saga-rate)
  --saga-rate      the saga scenario's first rate in payments/s (default 50, the budget's; another rate is
                   reported but not judged: it compares trees on a machine too slow for 50/s)
  --transfer-rate  the transfer scenario's first rate in transfers/s (default 50, the budget's; another rate is
                   reported, not judged)
  --integrations-rate  the integrations scenario's rate in payments/s (default 50; another rate is reported, not judged)
  --help           print this and exit`;

export type Options = {
  scenarios: Scenario[];
  quick: boolean;
  driver: Driver;
  /** The scale scenario's seeded store. */
  wallets: number;
  transactions: number;
  /** Another checkout of this repository whose API joins the credit scenario's interleaved rows. */
  compare: string | undefined;
  /** The saga scenario's first offered rate (payments per second). */
  sagaRate: number;
  /** The transfer scenario's first offered rate (transfers per second). */
  transferRate: number;
  /** The integrations scenario's offered rate (payments per second). */
  integrationsRate: number;
};

/** The command line, or "help" when it asks for the usage. Throws on an unknown flag, scenario or driver. */
export function parseOptions(argv: string[]): Options | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      driver: { type: "string", default: "http" },
      wallets: { type: "string" },
      transactions: { type: "string" },
      compare: { type: "string" },
      "saga-rate": { type: "string" },
      "transfer-rate": { type: "string" },
      "integrations-rate": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  for (const name of positionals) {
    if (!SCENARIOS.includes(name as Scenario)) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.join(", ")}`);
  }
  if (!DRIVERS.includes(values.driver as Driver)) throw new Error(`unknown driver ${values.driver}; known: ${DRIVERS.join(", ")}`);
  const selected = new Set<Scenario>(positionals.length ? (positionals as Scenario[]) : SCENARIOS.filter((s) => !ON_REQUEST.includes(s)));
  if (selected.has("credit")) selected.add("ceiling"); // the credit ratio needs the baseline of the same run
  const count = (value: string | undefined, fallback: number) => {
    const n = Number(value ?? fallback);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got ${value}`);
    return n;
  };
  return {
    scenarios: SCENARIOS.filter((s) => selected.has(s)),
    quick: values.quick,
    driver: values.driver as Driver,
    wallets: count(values.wallets, values.quick ? 1_000 : 10_000),
    transactions: count(values.transactions, values.quick ? 10_000 : 100_000),
    compare: values.compare,
    sagaRate: count(values["saga-rate"], 50),
    transferRate: count(values["transfer-rate"], 50),
    integrationsRate: count(values["integrations-rate"], 50),
  };
}
