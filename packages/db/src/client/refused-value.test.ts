// refusedValue recognises PostgreSQL's refusal of a value (SQLSTATE class 22), whoever reports it.
import { describe, expect, it } from "vitest";
import { refusedValue } from "./refused-value";

const throughPrisma = (originalCode: string) => ({
  name: "PrismaClientKnownRequestError",
  code: "P2039",
  meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode } } },
});

describe("refusedValue", () => {
  it("knows a NUL in text and in jsonb, through Prisma's adapter and from pg", () => {
    expect(refusedValue(throughPrisma("22021"))).toBe("NUL_CHARACTER");
    expect(refusedValue(throughPrisma("22P05"))).toBe("NUL_CHARACTER");
    expect(refusedValue({ code: "22021", message: "invalid byte sequence" })).toBe("NUL_CHARACTER");
  });

  it("tells a value too long, malformed or out of range, and any other data exception", () => {
    expect(refusedValue(throughPrisma("22001"))).toBe("TOO_LONG");
    expect(refusedValue(throughPrisma("22P02"))).toBe("MALFORMED");
    expect(refusedValue({ code: "22007" })).toBe("MALFORMED");
    expect(refusedValue(throughPrisma("22003"))).toBe("OUT_OF_RANGE");
    expect(refusedValue(throughPrisma("22008"))).toBe("OUT_OF_RANGE");
    expect(refusedValue(throughPrisma("22012"))).toBe("OTHER");
  });

  it("leaves every other failure alone", () => {
    expect(refusedValue(throughPrisma("23505"))).toBeNull();
    expect(refusedValue(throughPrisma("57P01"))).toBeNull();
    expect(refusedValue({ code: "P2002" })).toBeNull();
    expect(refusedValue({ code: "P2000" })).toBeNull();
    expect(refusedValue(new Error("22021"))).toBeNull();
    expect(refusedValue(null)).toBeNull();
    expect(refusedValue("22021")).toBeNull();
  });
});
