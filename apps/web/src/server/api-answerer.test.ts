import { describe, expect, it } from "vitest";
import { apiAnswerer } from "./api-answerer";

describe("apiAnswerer", () => {
  it("answers from this server in production and from Next.js under pnpm dev, unless told", () => {
    expect(apiAnswerer(null, false)).toBe("server");
    expect(apiAnswerer(null, true)).toBe("next");
    expect(apiAnswerer("server", true)).toBe("server");
    expect(apiAnswerer("next", false)).toBe("next");
  });
});
