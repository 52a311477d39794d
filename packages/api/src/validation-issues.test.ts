// An app's own procedures get the same: their input's issues, at any depth, as data.issues and
// one message; a ZodError behind a 500 (an output schema) stays the server's, with no issues.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ZodError, z } from "zod";
import { type InProcessServer, startInProcessServer } from "../test/in-process-server";
import { kitRouters } from "./root";
import { publicProcedure, router } from "./trpc";
import { MAX_ISSUES, refusalOf } from "./validation-issues";
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

  it("answers a body of a thousand bad items with MAX_ISSUES of them, not a thousand", async () => {
    const lines = Array.from({ length: 1000 }, () => ({ sku: 7, quantity: 1 }));
    const reply = await server.post("orders.place", { lines });
    expect(reply.status).toBe(400);
    expect(reply.body.error.data.issues).toHaveLength(MAX_ISSUES);
    expect(reply.body.error.message).toMatch(/; and 980 more$/);
    expect(JSON.stringify(reply.body).length).toBeLessThan(8_000);
  });

  it("keeps a failed output schema a 500 of the server's own, with no issues", async () => {
    const reply = await server.get("orders.total");
    expect(reply.status).toBe(500);
    expect(reply.body.error.message).toBe("Internal server error.");
    expect(reply.body.error.data.appCode).toBe("INTERNAL_SERVER_ERROR");
    expect(reply.body.error.data).not.toHaveProperty("issues");
  });
});

describe("refusalOf", () => {
  const form = z.object({ a: z.array(z.object({ b: z.string() })) });
  const refused = (input: unknown) => refusalOf(form.safeParse(input).error as ZodError);

  it("prefixes each message with its path, and leaves the whole input's bare", () => {
    expect(refused({ a: [{ b: 1 }] }).message).toBe(
      "a.0.b: Invalid input: expected string, received number",
    );
    expect(refused("text").message).toBe("Invalid input: expected object, received string");
  });

  it("sends MAX_ISSUES issues at most, and counts the rest in the message", () => {
    const refusal = refused({ a: Array.from({ length: 5000 }, () => ({ b: 1 })) });
    expect(refusal.issues).toHaveLength(MAX_ISSUES);
    expect(refusal.issues.at(-1)?.path).toEqual(["a", MAX_ISSUES - 1, "b"]);
    expect(refusal.message).toMatch(new RegExp(`; and ${5000 - MAX_ISSUES} more$`));
    expect(refusal.message.split("; ")).toHaveLength(MAX_ISSUES + 1);
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
