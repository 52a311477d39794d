// A refresh that answers for another account than the tokens held: the page is the last
// account's, so the session ends with ACCOUNT_CHANGED (the web app reloads), as when another tab
// signs in as someone else.
import { describe, expect, it } from "vitest";
import { createAuthSession, type SignedOutEvent } from "./auth-session";
import type { RefreshStrategy } from "./refresh-strategy";
import { fakeJwt } from "./testing/fake-server";
import { createMemoryStore } from "./token-store";

const iat = Math.floor(Date.now() / 1000);
const pairOf = (sub: string, sid: string) => ({
  access: fakeJwt({ sub, sid, iat, exp: iat + 1800, type: "access" }),
  refresh: null,
});

function sessionAnswering(next: { access: string; refresh: null }) {
  const events: SignedOutEvent[] = [];
  const strategy: RefreshStrategy = {
    mode: "cookie",
    refresh: async () => next,
    revoke: async () => {},
  };
  const store = createMemoryStore();
  const session = createAuthSession({
    store,
    refresh: strategy,
    onSignedOut: (e) => events.push(e),
  });
  return { session, store, events };
}

describe("a refresh that answers for another account", () => {
  it("ends the session here with ACCOUNT_CHANGED, then holds the new account's tokens", async () => {
    const other = pairOf("someone-else", "s2");
    const { session, store, events } = sessionAnswering(other);
    session.signIn(pairOf("ada", "s1"));
    await session.refresh();
    expect(events).toEqual([{ reason: "ACCOUNT_CHANGED", fromOtherTab: false }]);
    expect(store.get()).toEqual(other);
  });

  it("is no change for the same account's new session", async () => {
    const { session, events } = sessionAnswering(pairOf("ada", "s3"));
    session.signIn(pairOf("ada", "s1"));
    await session.refresh();
    expect(events).toEqual([]);
  });
});
