import { describe, expect, it } from "vitest";
import { changePasswordSchema, otpSchema } from "./validation";

function messages(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("changePasswordSchema", () => {
  const valid = { current_password: "old-one", new_password: "Correct-horse-battery-42!", confirm_password: "Correct-horse-battery-42!" };

  it("accepts a new password typed twice", () => {
    expect(changePasswordSchema.parse(valid)).toEqual(valid);
  });

  it("catches a typo in the confirmation before anything is sent", () => {
    expect(messages(changePasswordSchema.safeParse({ ...valid, confirm_password: "Correct-horse-battery-43!" }))).toEqual([
      "confirm_password: The passwords do not match",
    ]);
  });

  it("needs the current password and a new one of the API's length", () => {
    expect(messages(changePasswordSchema.safeParse({ current_password: "", new_password: "short", confirm_password: "short" }))).toEqual([
      "current_password: Current password is required",
      "new_password: New password must be at least 8 characters",
    ]);
    const long = "x".repeat(129);
    expect(messages(changePasswordSchema.safeParse({ ...valid, new_password: long, confirm_password: long }))).toEqual([
      "new_password: New password must be at most 128 characters",
    ]);
  });

  it("refuses the current password as the new one", () => {
    expect(
      messages(
        changePasswordSchema.safeParse({
          current_password: valid.new_password,
          new_password: valid.new_password,
          confirm_password: valid.new_password,
        }),
      ),
    ).toEqual(["new_password: Choose a password different from the current one"]);
  });
});

describe("otpSchema", () => {
  it.each([
    ["123456", "123456"],
    [" 123 456 ", "123456"],
    ["123-456", "123456"],
  ])("reads %j as %s", (input, otp) => {
    expect(otpSchema.parse({ otp: input })).toEqual({ otp });
  });

  it.each(["", "12345", "1234567", "12345a"])("refuses %j", (input) => {
    expect(messages(otpSchema.safeParse({ otp: input }))).toEqual(["otp: Enter the 6-digit code from your authenticator app"]);
  });
});
