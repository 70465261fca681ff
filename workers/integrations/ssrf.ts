/**
 * Which URLs a webhook may target (API.md): `https` only, never a private, loopback, link-local,
 * shared, multicast or cloud-metadata address, whether written as an IP literal (in any of the forms
 * the URL parser normalises: `http://2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`) or as a name that
 * means the local machine or network (`localhost`, `*.localhost`, `*.local`, `*.internal`).
 * Where `WEBHOOKS_ALLOW_LOCAL` is "true" (local development only), `http(s)://127.0.0.1:…` and
 * `http(s)://localhost:…` are admitted. A Worker cannot resolve names itself; deployed, its outbound
 * `fetch` cannot reach private networks either, so a public name pointing at one fails to connect.
 */
const LOCAL_NAMES = new Set(["localhost", "127.0.0.1"]);
const BLOCKED_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$|^metadata(\.|$)/;

function ipv4Blocked(host: string): boolean | null {
  const m = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && Number(m[3]) === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function ipv6Blocked(host: string): boolean | null {
  if (!host.startsWith("[")) return null;
  const ip = host.slice(1, -1).toLowerCase();
  if (ip === "::" || ip === "::1") return true;
  // IPv4-mapped / -compatible / NAT64 forms carry an IPv4 address: judge that one (the parser writes it in hex).
  const mapped = ip.match(/^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (mapped) {
    const hi = Number.parseInt(mapped[1] ?? "0", 16);
    const lo = Number.parseInt(mapped[2] ?? "0", 16);
    return ipv4Blocked(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`) ?? true;
  }
  if (ip.startsWith("::ffff:")) return true;
  const first = Number.parseInt(ip.split(":")[0] || "0", 16);
  // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0 || (first & 0xff00) === 0xff00;
}

/** Null when the URL may receive webhooks, otherwise why not. */
export function webhookUrlProblem(raw: string, allowLocal: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (url.username || url.password) return "credentials in the URL are not allowed";
  const host = url.hostname.toLowerCase();
  const local = allowLocal && LOCAL_NAMES.has(host);
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) return "the URL must use https";
  if (local) return null;
  const blocked = ipv4Blocked(host) ?? ipv6Blocked(host) ?? BLOCKED_NAME.test(host.replace(/\.$/, ""));
  if (blocked) return "the URL must not point at a private, loopback, link-local or metadata address";
  if (!host.includes(".") && !host.startsWith("[")) return "the URL must name a public host";
  return null;
}

export const allowLocalWebhooks = (env: Env) => env.WEBHOOKS_ALLOW_LOCAL === "true";
