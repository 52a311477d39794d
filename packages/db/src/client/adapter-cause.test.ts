// adapterCause finds the driver adapter's account wherever Prisma leaves it, and nothing else.
import { describe, expect, it } from "vitest";
import { adapterCause } from "./adapter-cause";
import { isDatabaseUnavailable } from "./database-unavailable";
import { refusedValue } from "./refused-value";

const cause = { originalCode: "22001", kind: "LengthMismatch" };

describe("adapterCause", () => {
  it("reads it from a Prisma error's meta and from a bare DriverAdapterError", () => {
    expect(adapterCause({ code: "P2000", meta: { driverAdapterError: { cause } } })).toBe(cause);
    expect(adapterCause({ name: "DriverAdapterError", cause })).toBe(cause);
  });

  it("takes no other error's cause for the adapter's, nor a value that is no object", () => {
    expect(adapterCause({ name: "Error", cause })).toBeUndefined();
    expect(adapterCause({ meta: { driverAdapterError: { cause: "22001" } } })).toBeUndefined();
    expect(adapterCause({})).toBeUndefined();
  });

  it("lets a bare DriverAdapterError be judged as a wrapped one is", () => {
    expect(refusedValue({ name: "DriverAdapterError", cause })).toBe("TOO_LONG");
    const down = { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable" } };
    expect(isDatabaseUnavailable(down)).toBe(true);
  });
});
