import { Link } from "react-router";
import { buttonClass } from "../components/button";
import { EmptyState } from "../components/feedback";

export function NotFoundScreen() {
  return (
    <div className="py-10">
      <title>Page not found · Edge Fintech</title>
      <h1 className="sr-only">Page not found</h1>
      <EmptyState
        title="Page not found"
        action={
          <Link to="/" className={buttonClass("primary")}>
            Go to the dashboard
          </Link>
        }
      >
        The page you were looking for does not exist.
      </EmptyState>
    </div>
  );
}
