import { isRouteErrorResponse, useRouteError } from "react-router";
import { buttonClass } from "./button";

/** Shown when a screen fails to render or its code fails to load (e.g. after a deploy). */
export function RouteError() {
  const error = useRouteError();
  const chunkFailed = error instanceof Error && /dynamically imported module|Importing a module script failed/i.test(error.message);
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : chunkFailed
      ? "A new version of the app is available."
      : "This screen ran into a problem.";
  return (
    <div role="alert" className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-xl font-semibold text-slate-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">{message}</p>
      <button type="button" className={`${buttonClass("primary")} mt-6`} onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
