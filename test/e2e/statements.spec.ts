import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { AXE_TAGS } from "./support/check-screen";

/**
 * The statement screen: reached from the wallet screen by keyboard, the month's statement with its
 * verification status (from POST /v1/statements/verify), the JSON and CSV downloads, the print
 * layout; and the dashboard's "on date X you had Y". Axe-clean at 1280 and 375 px.
 */

const PASSWORD = "Correct-horse-battery-42!";

async function axeClean(page: Page) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("@phone the month's statement is verified, downloadable and printable; the dashboard tells the balance on a date", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const email = `statements-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const signup = await page.request.post("/v1/auth/signup", { data: { email, password: PASSWORD } });
  expect(signup.status()).toBe(201);
  const auth = { authorization: `Bearer ${(await signup.json()).token}` };
  const { wallet } = await (await page.request.post("/v1/wallet", { headers: auth, data: {} })).json();
  for (const [kind, amount, description] of [
    ["credit", "250.00", "Salary"],
    ["debit", "12.34", "Corner Cafe, lunch"],
  ] as const) {
    expect(
      (await page.request.post(`/v1/wallet/${wallet.wallet_id}/${kind}`, { headers: auth, data: { amount, description } })).status(),
    ).toBe(200);
  }
  expect((await page.request.post("/v1/auth/login", { data: { email, password: PASSWORD } })).status()).toBe(200);

  await page.goto("/wallet");
  const link = page.getByRole("link", { name: "Monthly statements" });
  await link.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/wallet/${wallet.wallet_id}/statements`));
  await expect(page.getByRole("heading", { level: 2, name: /^Statement for / })).toBeVisible();
  await expect(page.getByTestId("statement-verification")).toHaveText("Verified: the signature and the hash chain check out.");
  await expect(page.getByTestId("statement-closing")).toContainText("$237.66");
  await expect(page.getByTestId("statement-out")).toContainText("$12.34");
  await expect(page.getByRole("cell", { name: /Corner Cafe, lunch/ })).toBeVisible();
  await axeClean(page);
  await page.screenshot({ path: testInfo.outputPath("statement.png"), fullPage: true });

  // Both downloads, by keyboard.
  for (const [name, pattern] of [
    ["Download JSON", /^statement-.*-\d{4}-\d{2}\.json$/],
    ["Download CSV", /^statement-.*-\d{4}-\d{2}\.csv$/],
  ] as const) {
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name }).focus();
    await page.keyboard.press("Enter");
    const file = await download;
    expect(file.suggestedFilename()).toMatch(pattern);
    const text = await (await file.createReadStream()).toArray();
    const content = Buffer.concat(text).toString("utf8");
    if (name === "Download JSON") {
      const { statement } = JSON.parse(content);
      expect(statement.total_out).toBe("12.34");
      // The downloaded file is the verifiable one: the issuer's check accepts it as it was saved.
      const verified = await page.request.post("/v1/statements/verify", { data: { statement } });
      expect(verified.status()).toBe(200);
      expect(await verified.json()).toEqual({ valid: true, reason: null });
    } else expect(content).toContain('"Corner Cafe, lunch"');
  }

  // The print layout: the statement alone, without the app's navigation or the buttons.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("button", { name: "Download JSON" })).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath("statement-print.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });

  // The dashboard's balance on a date.
  await page.goto("/");
  const day = page.getByLabel("Balance on a date");
  await day.fill(new Date().toLocaleDateString("en-CA"));
  await expect(page.getByTestId("balance-as-of")).toContainText("you had $237.66");
  await axeClean(page);
  await page.screenshot({ path: testInfo.outputPath("balance-as-of.png"), fullPage: true });
});
