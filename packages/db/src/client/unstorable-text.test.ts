// isUnstorableText recognises PostgreSQL's refusal of a NUL character, whoever reports it.
import { describe, expect, it } from "vitest";
import { isUnstorableText } from "./unstorable-text";

const throughPrisma = (originalCode: string) => ({
  name: "PrismaClientKnownRequestError",
  code: "P2039",
  meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode } } },
});

describe("isUnstorableText", () => {
  it("knows a NUL in text and in jsonb, through Prisma's adapter and from pg", () => {
    expect(isUnstorableText(throughPrisma("22021"))).toBe(true);
    expect(isUnstorableText(throughPrisma("22P05"))).toBe(true);
    expect(isUnstorableText({ code: "22021", message: "invalid byte sequence" })).toBe(true);
  });

  it("leaves every other failure alone", () => {
    expect(isUnstorableText(throughPrisma("23505"))).toBe(false);
    expect(isUnstorableText({ code: "P2002" })).toBe(false);
    expect(isUnstorableText(new Error("22021"))).toBe(false);
    expect(isUnstorableText(null)).toBe(false);
    expect(isUnstorableText("22021")).toBe(false);
  });
});
