// An app's own budgets: checked where they are written, counted per client (with the IPv6
// networks around it) or per user, and refused with the wait the store reports.
import { describe, expect, it } from "vitest";
import { appBudget, createAppBudgets } from "./app-budgets";
import { createBudgets } from "./budget";
import { openStore } from "./store";
import { refusal, uniqueIp } from "./testing";

function memoryBudgets() {
  const store = openStore({ kind: "memory" }, () => {});
  return createAppBudgets(store, createBudgets(store));
}

describe("appBudget", () => {
  it("reads the window as a duration or whole seconds", () => {
    expect(appBudget({ name: "reports.export", points: 5, window: "1h" })).toEqual({
      name: "reports.export",
      points: 5,
      windowSeconds: 3600,
    });
    expect(appBudget({ name: "a", points: 1, window: 90 }).windowSeconds).toBe(90);
  });

  it.each([
    [{ name: "", points: 1, window: "1m" }, /name "" must be/],
    [{ name: "a:b", points: 1, window: "1m" }, /name "a:b" must be/],
    [{ name: "a/b", points: 1, window: "1m" }, /name "a\/b" must be/],
    [{ name: "-a", points: 1, window: "1m" }, /name "-a" must be/],
    [{ name: "x".repeat(65), points: 1, window: "1m" }, /must be 1-64/],
    [{ name: "a", points: 0, window: "1m" }, /points must be a whole number/],
    [{ name: "a", points: 1.5, window: "1m" }, /points must be a whole number/],
    [{ name: "a", points: Number.NaN, window: "1m" }, /points must be a whole number/],
    [{ name: "a", points: 2e9, window: "1m" }, /points must be a whole number/],
    [{ name: "a", points: 1, window: "1 hour" }, /"a" window: Invalid duration "1 hour"/],
    [{ name: "a", points: 1, window: 0 }, /"a" window: .*more than 0/],
    [{ name: "a", points: 1, window: 1.5 }, /"a" window: Invalid duration "1.5"/],
  ])("refuses %j when it is written", (options, message) => {
    expect(() => appBudget(options)).toThrow(message);
  });
});

describe("createAppBudgets", () => {
  it("admits `points` calls per client, then refuses with the window's wait", async () => {
    const spend = memoryBudgets();
    const budget = appBudget({ name: "export", points: 2, window: "1h" });
    const ip = uniqueIp();
    await spend(budget, { clientIp: ip });
    await spend(budget, { clientIp: ip });
    const refused = await refusal(spend(budget, { clientIp: ip }));
    expect(refused.retryAfterSeconds).toBeGreaterThan(3590);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(3600);
    // Another client has its own count.
    await spend(budget, { clientIp: uniqueIp() });
  });

  it("counts a user wherever they call from, apart from clients and other users", async () => {
    const spend = memoryBudgets();
    const budget = appBudget({ name: "export", points: 1, window: "1h" });
    await spend(budget, { userId: "user-a" });
    await refusal(spend(budget, { userId: "user-a" }));
    await spend(budget, { userId: "user-b" });
    await spend(budget, { clientIp: uniqueIp() });
  });

  it("caps a client hopping between the /64s of one /56 at 4× its budget", async () => {
    const spend = memoryBudgets();
    const budget = appBudget({ name: "export", points: 1, window: "1h" });
    for (let subnet = 0; subnet < 4; subnet += 1) {
      await spend(budget, { clientIp: `2001:db8:7:${subnet}::1` });
    }
    await refusal(spend(budget, { clientIp: "2001:db8:7:4::1" }));
  });

  it("shares one count between budgets written alike; another size or window is another count", async () => {
    const spend = memoryBudgets();
    const ip = uniqueIp();
    await spend(appBudget({ name: "mail", points: 1, window: "1h" }), { clientIp: ip });
    // The same budget written again (another procedure's rateLimit): the same count.
    await refusal(spend(appBudget({ name: "mail", points: 1, window: 3600 }), { clientIp: ip }));
    await spend(appBudget({ name: "mail", points: 2, window: "1h" }), { clientIp: ip });
    await spend(appBudget({ name: "mail", points: 1, window: "2h" }), { clientIp: ip });
    await spend(appBudget({ name: "mail-2", points: 1, window: "1h" }), { clientIp: ip });
  });
});
