import type { ReactNode } from "react";

/**
 * A box that scrolls on its own (a long or wide table) instead of widening the page. It is a named,
 * focusable region so keyboard users can scroll it too (WCAG 2.1.1, axe scrollable-region-focusable).
 */
export function ScrollRegion({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region has to take focus to be scrolled by keyboard
      tabIndex={0}
      className={`overflow-auto overscroll-x-contain focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-700 ${className}`}
    >
      {children}
    </section>
  );
}
