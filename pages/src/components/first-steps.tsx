import { Link } from "react-router";
import { Card } from "./card";

const STEPS = [
  { to: "/wallet", title: "Add money", text: "Create your wallet and make a first deposit." },
  { to: "/savings", title: "Set a goal", text: "Put money aside for something, in its own pocket." },
  { to: "/payments", title: "Try a payment", text: "Pay a merchant and watch it settle live." },
] as const;

/** First-run guidance: what to do first, each step a link to the screen that does it. */
export function FirstSteps({ hasWallet }: { hasWallet: boolean }) {
  return (
    <Card title="Get started in three steps" description="New here? This is the quickest way to see what the app does.">
      <ol className="grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="first-steps">
        {STEPS.map((step, index) => (
          <li key={step.to} className="rounded-lg border border-slate-200 p-3">
            <p className="text-xs font-medium text-slate-600">Step {index + 1}</p>
            <Link to={step.to} className="font-semibold text-emerald-800 underline underline-offset-2">
              {index === 0 && !hasWallet ? "Create a wallet and add money" : step.title}
            </Link>
            <p className="mt-1 text-sm text-slate-600">{step.text}</p>
          </li>
        ))}
      </ol>
    </Card>
  );
}
