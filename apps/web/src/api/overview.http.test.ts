// The app's own router over HTTP, as the kit tests its own: a real server on a throwaway
// PostgreSQL (`@kit/api/testing`), a user signed up through the API, and the call a client makes.
import { bearer, type InProcessServer, startInProcessServer, uniqueEmail } from "@kit/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "./root";

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcessServer({ router: appRouter });
});
afterAll(() => server?.close());

describe("overview over HTTP", () => {
  it("greets the signed-in user and counts their live sessions", async () => {
    const signedUp = await server.post("auth.register", {
      email: uniqueEmail("overview"),
      password: "a long enough password",
      name: "Ada",
    });
    const { access } = signedUp.body.result.data;
    const summary = await server.get("overview.summary", undefined, bearer(access));
    expect(summary.status).toBe(200);
    expect(summary.body.result.data).toEqual({ greeting: "Welcome back, Ada", liveSessions: 1 });
  });

  it("answers 401 MISSING_TOKEN without a token", async () => {
    const summary = await server.get("overview.summary");
    expect(summary.status).toBe(401);
    expect(summary.body.error.data.appCode).toBe("MISSING_TOKEN");
  });
});
