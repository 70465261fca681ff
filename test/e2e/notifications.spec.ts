import { expect, type Page, test } from "@playwright/test";
import { signUp, unique } from "./support/app";

// The user's live feed in the real UI: a payment's terminal status arrives pushed (nothing polls),
// and a received transfer shows on the header's bell. The payer signs up through the UI; the money
// is set up through the API with the page's own session (no Origin header: judged by its cookie).

const PASSWORD = "Quiet-Harbor-7-Lantern";

async function fundedWallet(page: Page, amount: string): Promise<string> {
  const created = await page.request.post("/v1/wallet", { data: {} });
  expect(created.status()).toBe(201);
  const walletId = (await created.json()).wallet.wallet_id as string;
  const credit = await page.request.post(`/v1/wallet/${walletId}/credit`, { data: { amount } });
  expect(credit.status()).toBe(200);
  return walletId;
}

test("a payment's SUCCESSFUL reaches the screen pushed on the user feed, without polling", async ({ page }) => {
  const frames: string[] = [];
  page.on("websocket", (ws) => {
    if (new URL(ws.url()).pathname === "/v1/live") ws.on("framereceived", (frame) => frames.push(String(frame.payload)));
  });
  const paymentReads: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === "GET" && /^\/v1\/payment\//.test(path)) paymentReads.push(path);
  });
  await signUp(page, unique("pushed"), PASSWORD);
  await fundedWallet(page, "50.00");
  await page.reload();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Payments", exact: true }).click();
  await expect(page.getByText("Spendable balance: $50.00")).toBeVisible();

  const form = page.getByRole("region", { name: "Pay a merchant", exact: true });
  await form.getByLabel("Merchant", { exact: true }).fill("Corner Cafe");
  await form.getByLabel("Amount", { exact: true }).fill("12.00");
  await form.getByRole("button", { name: "Pay", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Pay $12.00 to Corner Cafe?" });
  await dialog.getByRole("button", { name: "Pay", exact: true }).click();
  await expect
    .poll(() => frames.some((f) => f.includes('"payment.succeeded"')), { message: `frames: ${frames.join(" | ")}`, timeout: 15_000 })
    .toBe(true);
  await expect(page.getByTestId("latest-payment").getByTestId("payment-status")).toHaveText("Successful", { timeout: 2_000 });

  // Nothing keeps asking: over three quiet seconds not one more read of a payment goes out.
  const before = paymentReads.length;
  await page.waitForTimeout(3_000);
  expect(paymentReads.length).toBe(before);
  // The bell counts it too.
  await expect(page.getByRole("button", { name: "Notifications, 1 unread" })).toBeVisible();
});

test("the bell shows a received transfer", async ({ page, browser }) => {
  const email = unique("recipient");
  await signUp(page, email, PASSWORD);
  await fundedWallet(page, "0.01");
  await page.reload();
  await expect(page.getByRole("button", { name: "Notifications", exact: true })).toBeVisible();

  const sender = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const signup = await sender.request.post("/v1/auth/signup", {
    data: { email: unique("sender"), password: PASSWORD, name: "Ada Sender" },
  });
  expect(signup.status()).toBe(201);
  const token = (await signup.json()).token as string;
  const auth = { authorization: `Bearer ${token}` };
  const wallet = (await (await sender.request.post("/v1/wallet", { data: {}, headers: auth })).json()).wallet.wallet_id as string;
  expect((await sender.request.post(`/v1/wallet/${wallet}/credit`, { data: { amount: "30.00" }, headers: auth })).status()).toBe(200);
  const sent = await sender.request.post("/v1/transfers", {
    data: { from_wallet_id: wallet, to_email: email, amount: "20.00" },
    headers: auth,
  });
  expect(sent.status()).toBe(201);
  await sender.close();

  const bell = page.getByRole("button", { name: "Notifications, 1 unread" });
  await expect(bell).toBeVisible();
  await bell.click();
  const panel = page.getByRole("region", { name: "Notifications" });
  await expect(panel.getByText("Money received")).toBeVisible();
  await expect(panel.getByText("$20.00 from Ada Sender")).toBeVisible();
  await panel.getByRole("button", { name: "Mark all read" }).click();
  await expect(page.getByRole("button", { name: "Notifications", exact: true })).toBeVisible();
});
