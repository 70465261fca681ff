/** A QR code as one SVG path, so React renders it as markup (no innerHTML) at any size. */
import { encode } from "uqr";

export type QrPath = { size: number; path: string };

/**
 * `size` is the side in modules, quiet zone included; `path` draws one unit square per dark module.
 * Error correction M: the otpauth URI stays small enough to scan from a phone screen.
 */
export function qrPath(text: string, border = 2): QrPath {
  const { data, size } = encode(text, { ecc: "M", border });
  let path = "";
  for (const [y, row] of data.entries()) {
    for (const [x, dark] of row.entries()) {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    }
  }
  return { size, path };
}
