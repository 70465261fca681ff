import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { queryKeys } from "../keys";
import type { User } from "../types";
import { mayHaveSession, startSession } from "./auth";

const user: User = {
  user_id: "u1",
  email: "a@example.com",
  name: null,
  role: "customer",
  two_factor: false,
  created_at: "2026-11-24T10:00:00.000Z",
};

describe("startSession", () => {
  it("tells whoever watches the session about the new user (the guards leave the sign-in screen)", async () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.me, null);
    const observer = new QueryObserver<User | null>(client, { queryKey: queryKeys.me, queryFn: () => null, staleTime: Infinity });
    const seen: (User | null | undefined)[] = [];
    const unsubscribe = observer.subscribe((result) => seen.push(result.data));

    startSession(client, user);
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(seen.at(-1)).toEqual(user);
    unsubscribe();
  });

  it("drops everything cached for the previous session", () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.walletList, [{ wallet_id: "old" }]);
    client.setQueryData(queryKeys.me, user);

    startSession(client, null);

    expect(client.getQueryData(queryKeys.walletList)).toBeUndefined();
    expect(client.getQueryData(queryKeys.me)).toBeNull();
  });
});

describe("mayHaveSession", () => {
  it("reads the API's signed_in hint among other cookies", () => {
    expect(mayHaveSession("theme=dark; signed_in=1; other=x")).toBe(true);
    expect(mayHaveSession("signed_in=1")).toBe(true);
  });

  it("is false without the hint, with a cleared hint, or with a look-alike", () => {
    expect(mayHaveSession("")).toBe(false);
    expect(mayHaveSession("signed_in=")).toBe(false);
    expect(mayHaveSession("not_signed_in=1; signed_in=0")).toBe(false);
  });
});
