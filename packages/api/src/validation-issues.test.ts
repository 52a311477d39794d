// An app's own procedures get the same: their input's issues, at any depth, as data.issues and
// one message; a ZodError behind a 500 (an output schema) stays the server's, with no issues.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type InProcessServer, startInProcessServer } from "../test/in-process-server";
import { kitRouters } from "./root";
import { publicProcedure, router } from "./trpc";
import { issuesMessage } from "./validation-issues";
import { readValidationIssues } from "./wire";

const appRouter = router({
  ...kitRouters,
  orders: router({
    place: publicProcedure
      .input(
        z.object({ lines: z.array(z.object({ sku: z.string(), quantity: z.number().min(1) })) }),
      )
      .mutation(() => ({ ok: true })),
    // Claims to return a number and returns text: the server's fault, not the caller's.
    total: publicProcedure.output(z.number()).query(() => "forty-two" as unknown as number),
  }),
});

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcessServer({ router: appRouter });
});
afterAll(async () => {
  await server?.close();
});

describe("validation issues on the wire", () => {
  it("names each refused input by its path in an app's own procedure, nested and in arrays", async () => {
    const reply = await server.post("orders.place", {
      lines: [
        { sku: "a", quantity: 1 },
        { sku: 7, quantity: 0 },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.data.appCode).toBe("VALIDATION");
    expect(reply.body.error.data.issues).toEqual([
      { path: ["lines", 1, "sku"], message: "Invalid input: expected string, received number" },
      { path: ["lines", 1, "quantity"], message: "Too small: expected number to be >=1" },
    ]);
    expect(reply.body.error.message).toBe(
      "lines.1.sku: Invalid input: expected string, received number; lines.1.quantity: Too small: expected number to be >=1",
    );
    // What a client reads of it: the same issues.
    expect(readValidationIssues(reply.body.error)).toEqual(reply.body.error.data.issues);
  });

  it("keeps a failed output schema a 500 of the server's own, with no issues", async () => {
    const reply = await server.get("orders.total");
    expect(reply.status).toBe(500);
    expect(reply.body.error.message).toBe("Internal server error.");
    expect(reply.body.error.data.appCode).toBe("INTERNAL_SERVER_ERROR");
    expect(reply.body.error.data).not.toHaveProperty("issues");
  });
});

describe("issuesMessage", () => {
  it("prefixes each message with its path, and leaves the whole input's bare", () => {
    expect(
      issuesMessage([
        { path: [], message: "Expected an object." },
        { path: ["a", 0, "b"], message: "Required." },
      ]),
    ).toBe("Expected an object.; a.0.b: Required.");
  });
});

describe("readValidationIssues", () => {
  it("reads only well-formed issues, and none from what has none", () => {
    const issue = { path: ["email", 0], message: "Bad." };
    expect(readValidationIssues({ data: { issues: [issue, { path: "email" }, null] } })).toEqual([
      issue,
    ]);
    expect(readValidationIssues({ data: { appCode: "VALIDATION" } })).toEqual([]);
    expect(readValidationIssues(new TypeError("Failed to fetch"))).toEqual([]);
    expect(readValidationIssues(null)).toEqual([]);
  });
});
