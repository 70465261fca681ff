import { Button } from "./button";

type Pages = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };

/** "Load more" for cursor-paginated lists (next_cursor). */
export function LoadMore({ query, label = "Load more" }: { query: Pages; label?: string }) {
  if (!query.hasNextPage) return null;
  return (
    <div className="mt-4 flex justify-center">
      <Button variant="secondary" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {query.isFetchingNextPage ? "Loading…" : label}
      </Button>
    </div>
  );
}
