import { describe, expect, it } from "vitest";
import { qrPath } from "./qr";

const URI =
  "otpauth://totp/Edge%20Fintech:ada%40example.com?issuer=Edge%20Fintech&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30";

/** The dark modules of a path, as "x,y". */
function modules(path: string): Set<string> {
  return new Set([...path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));
}

describe("qrPath", () => {
  it("is a square of 4·version + 17 modules plus the quiet zone on each side", () => {
    const { size } = qrPath(URI, 2);
    expect((size - 4 - 17) % 4).toBe(0);
    expect(size).toBeGreaterThanOrEqual(21 + 4);
  });

  it("draws the three finder patterns inside the quiet zone and nothing in it", () => {
    const { size, path } = qrPath(URI, 2);
    const dark = modules(path);
    const inner = size - 4;
    // The 7×7 finder squares' corners, top left, top right and bottom left.
    for (const [x, y] of [
      [2, 2],
      [8, 2],
      [2, 8],
      [2 + inner - 7, 2],
      [2, 2 + inner - 7],
    ]) {
      expect(dark.has(`${x},${y}`)).toBe(true);
    }
    // A finder's inner white ring.
    expect(dark.has("3,3")).toBe(false);
    for (const key of dark) {
      const [x = 0, y = 0] = key.split(",").map(Number);
      expect(x >= 2 && y >= 2 && x < size - 2 && y < size - 2).toBe(true);
    }
  });

  it("is the same code for the same text (React can keep it memoised)", () => {
    expect(qrPath(URI)).toEqual(qrPath(URI));
    expect(qrPath(URI).path).not.toBe(qrPath(`${URI}x`).path);
  });
});
