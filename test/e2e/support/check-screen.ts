import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * No serious or critical axe violations and no horizontal overflow, in light and dark; a full-page
 * screenshot of each, attached to the report as `{prefix}-{name}[-dark]-{width}px`.
 */
export async function checkScreen(page: Page, testInfo: TestInfo, prefix: string, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator("html")).toHaveClass(colorScheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b).*$/);
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
    // Toasts fade in and out (text at a few per cent opacity, to axe): closed before the check.
    await page.evaluate(() => {
      for (const button of document.querySelectorAll<HTMLButtonElement>('[data-toast-type] button[aria-label="Dismiss"]')) button.click();
    });
    await expect(page.locator("[data-toast-type]")).toHaveCount(0, { timeout: 10_000 });
    const label = `${prefix}-${name}${colorScheme === "dark" ? "-dark" : ""}-${width}px`;
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    const severe = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `[${v.impact}] ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    const scrollWidth = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth));
    // From the top, so the sticky header sits where it belongs in the full-page picture.
    await page.evaluate(() => window.scrollTo(0, 0));
    const path = testInfo.outputPath(`${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: "image/png" });
    expect.soft(severe, `axe on ${label}`).toEqual([]);
    expect.soft(scrollWidth, `horizontal overflow on ${label}`).toBeLessThanOrEqual(width);
  }
  await page.emulateMedia({ colorScheme: "light" });
}
