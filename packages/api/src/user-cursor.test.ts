import { describe, expect, it } from "vitest";
import { formatUserCursor, parseUserCursor } from "./user-cursor";

const id = "4b1f6a52-8c43-4c8e-9a43-3f1f0d0e2a11";

describe("admin.users' cursor", () => {
  it("reads back what it wrote, the id lower-cased however it was sent", () => {
    const row = { createdAt: new Date("2026-12-05T10:11:12.345Z"), id };
    expect(parseUserCursor(formatUserCursor(row))).toEqual(row);
    expect(parseUserCursor(`2026-12-05T10:11:12.345Z_${id.toUpperCase()}`)).toEqual(row);
  });

  it("refuses anything else: no time, no id, a day or year that does not exist", () => {
    for (const text of [
      id,
      "2026-12-05T10:11:12.345Z",
      `2026-12-05T10:11:12Z_${id}`,
      `2026-02-30T00:00:00.000Z_${id}`,
      `2026-12-05T24:00:00.000Z_${id}`,
      `0000-12-31T00:00:00.000Z_${id}`,
      `2026-12-05t10:11:12.345z_${id}`,
      `2026-12-05T10:11:12.345Z_${id}x`,
      "",
    ]) {
      expect(parseUserCursor(text), text).toBeNull();
    }
  });
});
