import { type APIRequestContext, expect, type Page } from "@playwright/test";

// What the browser specs share: accounts made through the API, the UI's confirm dialog, navigation
// that works at phone widths, and a page's console errors.

/** The one admin account every spec signs in as (made on first use; 409 once it exists). */
export const ADMIN = { email: "admin@example.com", password: "Quiet-Harbor-7-Lantern" };

export const unique = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** The response's JSON, once its status is the expected one (the body is the failure message). */
export async function ok<T>(response: Awaited<ReturnType<APIRequestContext["get"]>>, status = 200): Promise<T> {
  expect(response.status(), await response.text()).toBe(status);
  return (await response.json()) as T;
}

export type Customer = { email: string; auth: { authorization: string }; walletId: string };

/** A signed-up customer with one wallet, credited with `deposit` when one is given. */
export async function customer(
  request: APIRequestContext,
  account: { email: string; password: string; name?: string; deposit?: string; description?: string },
): Promise<Customer> {
  const { email, password, name, deposit, description } = account;
  const signup = { email, password, ...(name ? { name } : {}) };
  const { token } = await ok<{ token: string }>(await request.post("/v1/auth/signup", { data: signup }), 201);
  const auth = { authorization: `Bearer ${token}` };
  const { wallet } = await ok<{ wallet: { wallet_id: string } }>(await request.post("/v1/wallet", { headers: auth, data: {} }), 201);
  if (deposit) {
    const credit = { amount: deposit, ...(description ? { description } : {}) };
    await ok(await request.post(`/v1/wallet/${wallet.wallet_id}/credit`, { headers: auth, data: credit }));
  }
  return { email, auth, walletId: wallet.wallet_id };
}

export async function adminAuth(request: APIRequestContext) {
  const signup = await request.post("/v1/auth/signup", { data: ADMIN });
  expect([201, 409]).toContain(signup.status());
  const { token } = await ok<{ token: string }>(await request.post("/v1/auth/login", { data: ADMIN }));
  return { authorization: `Bearer ${token}` };
}

/** Signs the page's browser context in through the API: the session cookie is set, no screen is walked. */
export async function signIn(page: Page, email: string, password: string) {
  expect((await page.request.post("/v1/auth/login", { data: { email, password } })).status()).toBe(200);
}

/** Signs up through the sign-up screen and lands on the dashboard. */
export async function signUp(page: Page, email: string, password: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hello" })).toBeVisible();
}

/** Signs in as the admin through the sign-in screen. */
export async function signInAsAdmin(page: Page, request: APIRequestContext) {
  const created = await request.post("/v1/auth/signup", { data: ADMIN });
  expect([201, 409]).toContain(created.status());
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hello" })).toBeVisible();
}

/** Opens a screen from the main navigation, through the Menu button where the nav is folded (phone widths). */
export async function go(page: Page, screen: string) {
  const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: screen, exact: true });
  const menu = page.getByRole("button", { name: "Menu" });
  if (!(await link.isVisible()) && (await menu.isVisible())) await menu.click();
  await link.click();
}

/** Checks the dialog (and its body, when given), presses `button` and waits for it to close. */
export async function confirmDialog(page: Page, title: string | RegExp, button: string, body?: string | RegExp) {
  const dialog = page.getByRole("dialog", { name: title });
  await expect(dialog).toBeVisible();
  if (body) await expect(dialog).toContainText(body);
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Every console error and uncaught exception of the page, for a spec to expect none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** With expectSameDocument: proves a flow ran in one document, with no full page load on the way. */
export async function markDocument(page: Page) {
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}
