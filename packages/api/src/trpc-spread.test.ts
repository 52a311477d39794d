// tRPC's middleware chain as patched (.patches/README.md): options and context are copied with
// object spread's semantics, which its published helper also had.
import { initTRPC } from "@trpc/server";
import { describe, expect, it } from "vitest";

const t = initTRPC.context<Record<PropertyKey, unknown>>().create();

/** The context the resolver sees after one middleware passes `extra` to next(). */
async function contextAfter(base: object, extra: object): Promise<Record<PropertyKey, unknown>> {
  let seen: Record<PropertyKey, unknown> | undefined;
  const router = t.router({
    probe: t.procedure
      .use(({ next }) => next({ ctx: extra }))
      .query(({ ctx }) => {
        seen = ctx;
        return null;
      }),
  });
  await t
    .createCallerFactory(router)(base as Record<PropertyKey, unknown>)
    .probe();
  if (!seen) throw new Error("the resolver did not run");
  return seen;
}

describe("tRPC's context merge", () => {
  it("keeps an own __proto__ key (from JSON) as a property, never as the prototype", async () => {
    const extra = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const ctx = await contextAfter({ a: 1 }, extra);
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(Object.hasOwn(ctx, "__proto__")).toBe(true);
    expect(ctx.polluted).toBeUndefined();
    expect(ctx).toMatchObject({ a: 1, x: 1 });
  });

  it("copies enumerable symbol keys, leaves non-enumerable ones, later sources winning", async () => {
    const visible = Symbol("visible");
    const hidden = Symbol("hidden");
    const extra = { [visible]: "extra", a: 2 };
    Object.defineProperty(extra, hidden, { value: "hidden", enumerable: false });
    const ctx = await contextAfter({ [visible]: "base", a: 1, b: 1 }, extra);
    expect(ctx[visible]).toBe("extra");
    expect(hidden in ctx).toBe(false);
    expect(ctx).toMatchObject({ a: 2, b: 1 });
    expect(Object.keys(ctx)).toEqual(["a", "b"]);
  });

  it("reads a getter once and keeps its value as plain data", async () => {
    let reads = 0;
    const extra = {
      get counted() {
        reads += 1;
        return "value";
      },
    };
    const ctx = await contextAfter({}, extra);
    expect(reads).toBe(1);
    expect(Object.getOwnPropertyDescriptor(ctx, "counted")).toEqual({
      value: "value",
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });
});
