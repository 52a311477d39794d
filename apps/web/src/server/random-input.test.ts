// Every procedure of the app's router (the kit's and the app's own), fed generated input over
// HTTP on both of the app's servers — `pnpm start` and `pnpm serve` — with and without a valid
// Bearer token: whatever arrives, the answer is a documented error or a success, never a 5xx.
import { rm } from "node:fs/promises";
import { rateLimitsOff } from "@kit/api/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../api/root";
import {
  freshDataDir,
  type StartedApp,
  startApp,
  startServe,
  stopApp,
} from "./testing/app-process";

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));

// Field names the procedures read, so that generated objects reach past the first check.
const FIELDS = [
  "email",
  "password",
  "name",
  "refresh",
  "device",
  "id",
  "currentPassword",
  "newPassword",
  "limit",
  "cursor",
];
const awkwardText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("\u0000", "a\u0000b", "\ud800", "😀".repeat(50), "x".repeat(5000), "", " "),
  fc.emailAddress(),
  fc.uuid(),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  awkwardText,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1, 101, 2 ** 53, -(2 ** 53), 1e308, 0.5, true, null),
);
const input = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant(undefined),
);

interface Server {
  name: string;
  started: StartedApp;
  dataDir: string;
  access: string;
}
const servers: Server[] = [];

async function signedIn(base: string): Promise<string> {
  const email = `random-input-${process.pid}-${Date.now()}@example.com`;
  const res = await fetch(`${base}/api/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "random-input-password" }),
  });
  const body = (await res.json()) as { result: { data: { access: string } } };
  return body.result.data.access;
}

beforeAll(async () => {
  for (const [name, start] of [
    ["pnpm start", startApp],
    ["pnpm serve", startServe],
  ] as const) {
    const dataDir = await freshDataDir("kit-random-input-");
    // The limits would answer 429 (documented, but it hides what the input does): out of the way.
    const started = await start(dataDir, rateLimitsOff());
    servers.push({ name, started, dataDir, access: await signedIn(started.base) });
  }
});

afterAll(async () => {
  for (const server of servers) {
    await stopApp(server.started.process);
    await rm(server.dataDir, { recursive: true, force: true });
  }
});

/** Sends `data` to a procedure as its kind is called; null `data` means no input at all. */
function send(base: string, path: string, type: string, data: unknown, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (type === "query") {
    const query = data === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(data))}`;
    return fetch(`${base}/api/trpc/${path}${query}`, { headers });
  }
  return fetch(`${base}/api/trpc/${path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: data === undefined ? undefined : JSON.stringify(data),
  });
}

describe("generated input into every procedure", () => {
  it("finds the procedures to call", () => {
    const paths = procedures.map((procedure) => procedure.path);
    expect(paths).toEqual(expect.arrayContaining(["auth.login", "auth.me", "overview.summary"]));
  });

  for (const serverIndex of [0, 1]) {
    it(`never answers 5xx on ${serverIndex === 0 ? "pnpm start" : "pnpm serve"}`, async () => {
      const server = servers[serverIndex] as Server;
      for (const { path, type } of procedures) {
        await fc.assert(
          fc.asyncProperty(input, fc.boolean(), async (data, withToken) => {
            const res = await send(
              server.started.base,
              path,
              type,
              data,
              withToken ? server.access : undefined,
            );
            const text = await res.text();
            const context = `${server.name} ${path} ${JSON.stringify(data)?.slice(0, 200)}`;
            expect(res.status, context).toBeLessThan(500);
            if (res.status >= 400) {
              const body = JSON.parse(text) as { error: { data: { appCode?: string } } };
              expect(body.error.data.appCode, context).toEqual(expect.any(String));
            }
          }),
          { numRuns: 25 },
        );
      }
    });
  }
});
