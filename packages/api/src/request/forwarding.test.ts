import { describe, expect, it } from "vitest";
import { sentThroughProxy, withoutForwarding } from "./forwarding";

describe("sentThroughProxy", () => {
  it("reads Fetch headers and Node's parsed ones alike", () => {
    expect(sentThroughProxy(new Headers({ host: "localhost" }))).toBe(false);
    expect(sentThroughProxy(new Headers({ via: "1.1 nginx" }))).toBe(true);
    expect(sentThroughProxy({ host: "localhost" })).toBe(false);
    expect(sentThroughProxy({ host: "localhost", "x-real-ip": "203.0.113.7" })).toBe(true);
  });
});

describe("withoutForwarding", () => {
  it("drops every forwarding header and keeps the rest; a request without any is returned as is", () => {
    const plain = new Headers({ host: "localhost:3000", authorization: "Bearer x" });
    expect(withoutForwarding(plain)).toBe(plain);
    const added = new Headers({
      host: "localhost:3000",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": "localhost:3000",
      "x-forwarded-proto": "http",
      "content-type": "application/json",
    });
    const kept = withoutForwarding(added);
    expect([...kept.keys()]).toEqual(["content-type", "host"]);
    // The request's own headers are not changed.
    expect(added.get("x-forwarded-for")).toBe("127.0.0.1");
  });
});
