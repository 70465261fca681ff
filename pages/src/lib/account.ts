/** Account settings helpers: sessions for people, API field messages, the secret for manual entry. */
import Bowser from "bowser";

/** "Chrome 142 on macOS", "Safari on iOS", or a plain fallback for clients that are not browsers. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent?.trim()) return "Unknown device";
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const major = parsed.browser.version?.split(".")[0];
  const os = parsed.os.name;
  if (!browser && !os) return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
  const client = browser ? (major && /^\d+$/.test(major) ? `${browser} ${major}` : browser) : "Unknown browser";
  return os ? `${client} on ${os}` : client;
}

/**
 * The API's field details read as fragments ("is incorrect", "is too easy to guess: …"): in a form
 * they read as a sentence after the field's label. A message that is already a sentence is kept.
 */
export function fieldSentence(label: string, message: string): string {
  return /^[a-z]/.test(message) ? `${label} ${message}` : message;
}

/** A base32 secret in groups of four, easier to type into an authenticator app. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}
