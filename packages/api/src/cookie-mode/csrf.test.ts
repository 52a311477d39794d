// The CSRF guard on cookie reads: same-origin Origin, and Sec-Fetch-Site where a browser sends it.
import { describe, expect, it } from "vitest";
import { assertSameOrigin } from "./csrf";

const origin = "https://app.example.com";
const check =
  (init: Record<string, string>, own: string | null = origin) =>
  () =>
    assertSameOrigin({ headers: new Headers(init), origin: own });

describe("assertSameOrigin", () => {
  it("passes a same-origin request", () => {
    expect(check({ origin })).not.toThrow();
    expect(check({ origin: "https://APP.example.com:443" })).not.toThrow();
    expect(check({ origin, "sec-fetch-site": "same-origin" })).not.toThrow();
  });

  it("refuses a missing, null or foreign Origin, and any other Sec-Fetch-Site", () => {
    const refused: Record<string, string>[] = [
      {},
      { origin: "null" },
      { origin: "https://evil.example" },
      { origin: "http://app.example.com" },
      { origin: "https://app.example.com:8443" },
      { origin, "sec-fetch-site": "cross-site" },
      { origin, "sec-fetch-site": "same-site" },
    ];
    for (const init of refused) {
      expect(check(init)).toThrow(expect.objectContaining({ appCode: "CSRF_REJECTED" }));
    }
  });

  it("refuses everything when the request's own origin is unknown", () => {
    expect(check({ origin }, null)).toThrow(expect.objectContaining({ trpcCode: "FORBIDDEN" }));
  });
});
