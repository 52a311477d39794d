import { describe, expect, it } from "vitest";
import { workerCountWarning } from "./worker-count";

describe("workerCountWarning", () => {
  it("says nothing up to one worker per core", () => {
    expect(workerCountWarning(1, 2)).toBeNull();
    expect(workerCountWarning(2, 2)).toBeNull();
  });

  it("names the setting and the core count past that", () => {
    expect(workerCountWarning(64, 2)).toBe(
      "warning: WEB_CONCURRENCY=64 is more than this machine's 2 core(s): workers past one per " +
        'core add memory and start-up time, not speed ("auto" starts one per core)',
    );
  });
});
