import type { ReactNode } from "react";
import { ThemeSwitch } from "../components/theme-switch";

export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-10">
      <title>{`${title} · Edge Fintech`}</title>
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold text-slate-900">
          <span className="grid size-9 place-items-center rounded-lg bg-emerald-700 text-white" aria-hidden="true">
            $
          </span>
          Edge Fintech
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-5 text-xl font-semibold text-slate-900">{title}</h1>
          {children}
        </div>
        <p className="mt-4 text-center text-sm text-slate-600">{footer}</p>
        <ThemeSwitch className="mt-4 flex justify-center" />
      </div>
    </main>
  );
}
