import { describe, expect, it } from "vitest";
import { RETIRED_AHEAD_TOLERANCE_MS, type RotationTrail, withinGrace } from "./grace";

const NOW = Date.parse("2026-12-06T12:00:00.000Z");
const GRACE = 10_000;
const ME = "device:me";

/** A session whose latest rotation `ME` made, retiring `previous` at `at` after `older` at `olderAt`. */
function trail(at: number, olderAt = at - 1000): RotationTrail {
  return {
    previousJti: "previous",
    rotatedAt: new Date(at),
    rotatedBy: ME,
    retiredJtis: ["older", "previous"],
    retiredAt: [new Date(olderAt), new Date(at)],
    unansweredJti: null,
  };
}

describe("withinGrace", () => {
  it("honours the token just rotated out and an older one of the run, each inside its own window", () => {
    expect(withinGrace(trail(NOW - GRACE), "previous", NOW, GRACE, ME)).toBe(true);
    expect(withinGrace(trail(NOW - GRACE - 1), "previous", NOW, GRACE, ME)).toBe(false);
    expect(withinGrace(trail(NOW, NOW - GRACE), "older", NOW, GRACE, ME)).toBe(true);
    expect(withinGrace(trail(NOW, NOW - GRACE - 1), "older", NOW, GRACE, ME)).toBe(false);
  });

  it("is never grace for another client, or a token the run does not hold", () => {
    expect(withinGrace(trail(NOW), "previous", NOW, GRACE, "device:other")).toBe(false);
    expect(withinGrace(trail(NOW), "previous", NOW, GRACE, null)).toBe(false);
    expect(withinGrace(trail(NOW), "unknown", NOW, GRACE, ME)).toBe(false);
  });

  it("honours the token of a rotation its client never heard of, for that client, at any time", () => {
    const unanswered = { ...trail(NOW - 3600_000), unansweredJti: "previous" };
    expect(withinGrace(unanswered, "previous", NOW, GRACE, ME)).toBe(true);
    expect(withinGrace(unanswered, "previous", NOW, GRACE, "device:other")).toBe(false);
    expect(withinGrace(unanswered, "previous", NOW, GRACE, null)).toBe(false);
    expect(withinGrace(unanswered, "older", NOW, GRACE, ME)).toBe(false);
  });

  it("drops that token once the session has rotated again, whoever left the mark in place", () => {
    // A server of the release before rotates without clearing unanswered_jti (a rolling upgrade):
    // the mark still names "previous", but the session has moved on past it.
    const movedOn = {
      ...trail(NOW - 3600_000),
      previousJti: "newer",
      retiredJtis: ["older", "previous", "newer"],
      retiredAt: [new Date(NOW - 3602_000), new Date(NOW - 3601_000), new Date(NOW - 3600_000)],
      unansweredJti: "previous",
    };
    expect(withinGrace(movedOn, "previous", NOW, GRACE, ME)).toBe(false);
  });

  it("takes a retirement a little ahead of this clock (another server's), not one far ahead", () => {
    const ahead = NOW + RETIRED_AHEAD_TOLERANCE_MS;
    expect(withinGrace(trail(ahead, ahead), "previous", NOW, GRACE, ME)).toBe(true);
    expect(withinGrace(trail(ahead, ahead), "older", NOW, GRACE, ME)).toBe(true);
    // Hours ahead (a time misread, or a clock far off) proves no recent rotation.
    const far = NOW + RETIRED_AHEAD_TOLERANCE_MS + 1;
    expect(withinGrace(trail(far, far), "previous", NOW, GRACE, ME)).toBe(false);
    expect(withinGrace(trail(far, far), "older", NOW, GRACE, ME)).toBe(false);
    const hours = NOW + 9 * 3600_000;
    expect(withinGrace(trail(hours, hours), "previous", NOW, GRACE, ME)).toBe(false);
  });

  it("is none at all when switched off (0), even for a retirement at or just ahead of now", () => {
    for (const at of [NOW - 1, NOW, NOW + 1, NOW + 1000]) {
      expect(withinGrace(trail(at, at), "previous", NOW, 0, ME)).toBe(false);
      expect(withinGrace(trail(at, at), "older", NOW, 0, ME)).toBe(false);
    }
    // The mark of a rotation its client never heard of is no window: it holds with grace 0 too.
    const unanswered = { ...trail(NOW - 3600_000), unansweredJti: "previous" };
    expect(withinGrace(unanswered, "previous", NOW, 0, ME)).toBe(true);
  });
});
