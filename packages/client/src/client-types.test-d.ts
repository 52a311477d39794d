// Type tests, checked by `tsc --noEmit`: a client built with the refresh link keeps tRPC's
// end-to-end types from KitRouter.
import type { KitRouter } from "@kit/api";
import type { AppCode } from "@kit/api/wire";
import { createTRPCClient, httpBatchLink, httpLink, type TRPCClientError } from "@trpc/client";
import { expectTypeOf } from "vitest";
import { createAuthSession } from "./auth-session";
import { bearerHeaders } from "./bearer-headers";
import { refreshLink } from "./refresh-link";
import { bodyRefresh } from "./refresh-strategy";
import { createMemoryStore } from "./token-store";

const session = createAuthSession({
  store: createMemoryStore(),
  refresh: bodyRefresh({ url: "/api/trpc" }),
});

const client = createTRPCClient<KitRouter>({
  links: [refreshLink(session), httpLink({ url: "/api/trpc", headers: bearerHeaders })],
});

// A link made apart from the client, and a batching terminating link, fit as well.
const link = refreshLink<KitRouter>(session);
createTRPCClient<KitRouter>({
  links: [link, httpBatchLink({ url: "/api/trpc", headers: bearerHeaders })],
});

type User = { id: string; email: string; name: string | null };
type Me = { id: string; email: string; name: string | null; role: "user" | "admin" };

expectTypeOf(client.auth.me.query).returns.toExtend<Promise<Me>>();
expectTypeOf(client.auth.me.query()).resolves.toEqualTypeOf<Me>();
expectTypeOf(client.admin.users.query).returns.toExtend<
  Promise<{ items: (User & { role: "user" | "admin"; isActive: boolean })[] }>
>();

expectTypeOf(client.auth.login.mutate).parameter(0).toExtend<{ email: string; password: string }>();
expectTypeOf(client.auth.login.mutate({ email: "a@b.c", password: "pw" })).resolves.toExtend<{
  user: User;
  access: string;
  // null in cookie mode, where the token travels only in the HttpOnly cookie.
  refresh: string | null;
}>();

// @ts-expect-error: login requires a password
void client.auth.login.mutate({ email: "a@b.c" });
// @ts-expect-error: email is a string
void client.auth.login.mutate({ email: 1, password: "pw" });
// @ts-expect-error: no such procedure
void client.auth.nope;

// The API's errorFormatter reaches the client: `data.appCode` is typed.
declare const error: TRPCClientError<KitRouter>;
expectTypeOf(error.data?.appCode).toEqualTypeOf<AppCode | undefined>();
