import { describe, expect, it } from "vitest";
import { describeUserAgent, fieldSentence, groupSecret } from "./account";

describe("describeUserAgent", () => {
  it.each([
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.7444.59 Safari/537.36",
      "Chrome 142 on Linux",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Safari 18 on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Safari 18 on iOS",
    ],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 on Windows"],
  ])("names the browser and system of %s", (userAgent, expected) => {
    expect(describeUserAgent(userAgent)).toBe(expected);
  });

  it("says so when there is no user agent", () => {
    expect(describeUserAgent(null)).toBe("Unknown device");
    expect(describeUserAgent("   ")).toBe("Unknown device");
  });

  it("keeps a client it does not know, shortened", () => {
    expect(describeUserAgent("my-script")).toBe("my-script");
    const long = `x${"y".repeat(100)}`;
    expect(describeUserAgent(long)).toHaveLength(58);
    expect(describeUserAgent(long).endsWith("…")).toBe(true);
  });
});

describe("fieldSentence", () => {
  it("reads the API's fragment after the field's label", () => {
    expect(fieldSentence("Current password", "is incorrect")).toBe("Current password is incorrect");
    expect(fieldSentence("New password", "is too easy to guess: This is a top-10 common password.")).toBe(
      "New password is too easy to guess: This is a top-10 common password.",
    );
  });

  it("keeps a full sentence as it is", () => {
    expect(fieldSentence("Code", "Enter the 6-digit code")).toBe("Enter the 6-digit code");
  });
});

describe("groupSecret", () => {
  it("splits a base32 secret in groups of four", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPJBSWY3DP")).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP");
    expect(groupSecret("ABCDE")).toBe("ABCD E");
  });
});
