import { Secret, TOTP } from "otpauth";

const ISSUER = "Edge Fintech";
const PERIOD_SECONDS = 30;

const totp = (secret: string, label = "account") =>
  new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** A fresh 160-bit secret (RFC 4226's recommended length), base32. */
export const newTotpSecret = () => new Secret({ size: 20 }).base32;

export const otpauthUrl = (secret: string, email: string) => totp(secret, email).toString();

/**
 * The time step a code belongs to, accepting the previous, current and next step (clock drift), or
 * null for a wrong code. Callers refuse a step at or before the last one used, so a code works once.
 */
export function totpStep(secret: string, otp: string, now = Date.now()): number | null {
  const delta = totp(secret).validate({ token: otp, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}
